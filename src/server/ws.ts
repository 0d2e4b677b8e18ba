import type { Server } from "node:http";
import { getOperationAST, type ExecutionArgs } from "graphql";
import type { YogaServerInstance } from "graphql-yoga";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Context } from "../context.js";
import { SubscriptionLimitError } from "../limits/errors.js";
import { SubscriptionCounter } from "../limits/subscription-limit.js";
import type { Metrics } from "../observability/metrics.js";
import { clientAddress } from "./client-address.js";
import { tokenFromConnectionParams } from "./context-factory.js";

type SocketExtra = {
  context?: Context;
  /** Ids of this socket's subscriptions that hold a slot of the per-user limit. */
  slots?: Set<string>;
};

/** graphql-ws on the Yoga endpoint: one authentication per socket, Yoga's plugins (limits, metrics) on every operation. */
export function attachGraphqlWs(options: {
  server: Server;
  yoga: YogaServerInstance<{ wsContext?: Context }, Context>;
  contextFor: (token: string | undefined, clientIp: string | undefined) => Promise<Context>;
  subscriptionsPerUser: number;
  trustProxy: boolean;
  metrics: Metrics;
}) {
  const { yoga, metrics } = options;
  const wsServer = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint });
  const counter = new SubscriptionCounter(options.subscriptionsPerUser);
  wsServer.on("connection", (socket) => {
    metrics.wsConnections.inc();
    socket.once("close", () => metrics.wsConnections.dec());
  });
  const release = (extra: SocketExtra, id: string) => {
    if (!extra.slots?.delete(id) || !extra.context?.viewer) return;
    counter.release(extra.context.viewer.userId);
    metrics.activeSubscriptions.dec();
  };

  const disposable = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      // A bad token closes the socket with 4403 (forbidden), per graphql-ws conventions.
      onConnect: async (ctx) => {
        try {
          const ip = clientAddress(ctx.extra.request, options.trustProxy);
          const context = await options.contextFor(tokenFromConnectionParams(ctx.connectionParams), ip);
          if (!context.viewer) return false;
          ctx.extra.context = context;
          ctx.extra.slots = new Set();
          return true;
        } catch {
          return false;
        }
      },
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          wsContext: ctx.extra.context,
        });
        const document = parse(params.query);
        const args: ExecutionArgs = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(schema, document);
        if (errors.length) return errors;
        if (getOperationAST(document, params.operationName)?.operation === "subscription") {
          const viewer = ctx.extra.context!.viewer!;
          if (!counter.tryAcquire(viewer.userId)) return [new SubscriptionLimitError(options.subscriptionsPerUser)];
          ctx.extra.slots!.add(id);
          metrics.activeSubscriptions.inc();
        }
        return args;
      },
      onComplete: (ctx, id) => release(ctx.extra, id),
      onClose: (ctx) => {
        for (const id of [...(ctx.extra.slots ?? [])]) release(ctx.extra, id);
      },
    },
    wsServer,
  );

  return {
    wsServer,
    /** Tells every client we are going away (1001) so it reconnects, through the balancer, to another instance. */
    async close() {
      for (const client of wsServer.clients) client.close(1001, "Server shutting down");
      await disposable.dispose();
    },
  };
}
