import type { Server } from "node:http";
import { GraphQLError, type ExecutionArgs } from "graphql";
import type { YogaServerInstance } from "graphql-yoga";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { CrmPubSub } from "../pubsub.js";
import { createSocketRegistry } from "./socket-registry.js";
import type { Context } from "../context.js";
import type { Metrics } from "../observability/metrics.js";
import { clientAddress } from "./client-address.js";
import { tokenFromConnectionParams } from "./context-factory.js";

type SocketExtra = { context?: Context };

/**
 * graphql-ws on the Yoga endpoint: one authentication per socket, and Yoga's plugins (limits, subscriptions per
 * user, metrics) on every operation. Messages are capped like HTTP bodies.
 */
export function attachGraphqlWs(options: {
  server: Server;
  yoga: YogaServerInstance<{ wsContext?: Context }, Context>;
  contextFor: (token: string | undefined, clientIp: string | undefined) => Promise<Context>;
  trustProxy: boolean;
  maxMessageBytes: number;
  metrics: Metrics;
  pubsub: CrmPubSub;
}) {
  const { yoga, metrics } = options;
  const sockets = createSocketRegistry(options.pubsub);
  // noServer: attached to the HTTP server, ws would re-emit its listen errors (port in use) as an "internal error"
  // with a stack trace; upgrades are routed here instead.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  options.server.on("upgrade", (request, socket, head) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== yoga.graphqlEndpoint) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit("connection", ws, request));
  });
  wsServer.on("connection", (socket) => {
    metrics.wsConnections.inc();
    socket.once("close", () => metrics.wsConnections.dec());
  });

  const disposable = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      // A bad token closes the socket with 4403 (forbidden), per graphql-ws conventions.
      onConnect: async (ctx) => {
        try {
          const ip = clientAddress(ctx.extra.request, options.trustProxy);
          const context = await options.contextFor(tokenFromConnectionParams(ctx.connectionParams), ip);
          if (!context.viewer) return false;
          ctx.extra.context = context;
          sockets.track(ctx.extra.socket, context.viewer);
          return true;
        } catch {
          return false;
        }
      },
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          wsContext: ctx.extra.context,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(params.query); // syntax errors and the token limit surface here
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args: ExecutionArgs = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(schema, document);
        return errors.length ? errors : args;
      },
    },
    wsServer,
  );

  return {
    wsServer,
    /** Tells every client we are going away (1001) so it reconnects, through the balancer, to another instance. */
    async close() {
      for (const client of wsServer.clients) client.close(1001, "Server shutting down");
      await sockets.close();
      await disposable.dispose();
    },
  };
}
