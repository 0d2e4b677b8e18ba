import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createYoga, maskError as defaultMaskError } from "graphql-yoga";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { GraphQLError } from "graphql";
import { createTokenVerifier } from "../auth/tokens.js";
import { systemClock, type Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { AppServices, Context } from "../context.js";
import { openDatabase, type Database } from "../db/database.js";
import { applyMigrations } from "../db/migrate.js";
import { createCrmPubSub } from "../pubsub.js";
import { startReactivationScheduler } from "../reactivation/scheduler.js";
import { startAbcScheduler } from "../analytics/abc-scheduler.js";
import { startReminderScheduler } from "../tasks/scheduler.js";
import { schema } from "../schema.js";
import { createContextFactory, tokenFromConnectionParams, tokenFromRequest } from "./context-factory.js";

export interface AppOptions {
  config: Config;
  clock?: Clock;
  /** Reuse an open database (tests); otherwise one is opened from config.databaseUrl. */
  database?: Database;
}

export interface App {
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  database: Database;
  services: AppServices;
  fetch: (request: Request) => Promise<Response>;
}

/** Wires database, pub/sub, Yoga and graphql-ws on one HTTP server. Nothing listens until start(). */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  await applyMigrations(database);
  const pubsub = createCrmPubSub(config.redisUrl);
  const services: AppServices = { prisma: database.prisma, config, pubsub, clock: options.clock ?? systemClock };
  const contextFor = createContextFactory(services, createTokenVerifier(config.jwt));

  const yoga = createYoga<{ wsContext?: Context }>({
    schema,
    graphiql: config.production ? false : { subscriptionsProtocol: "WS" },
    landingPage: false,
    // Expected errors are GraphQLErrors or typed results; everything else becomes "Unexpected error."
    maskedErrors: {
      maskError: (error, message, isDev) => {
        const masked = defaultMaskError(error, message, isDev && !config.production);
        // Log what we hide from the client so operators still see it.
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (!(original instanceof GraphQLError)) console.error("[masked error]", original);
        return masked;
      },
    },
    context: async ({ request, wsContext }) => wsContext ?? contextFor(tokenFromRequest(request)),
    logging: config.production ? "info" : "warn",
  });

  const server: Server = createServer(yoga);
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const wsDisposable = useServer<Record<string, unknown> | undefined, { context?: Context }>(
    {
      // Authenticate once per socket; a bad token closes it with 4403 (forbidden), per graphql-ws conventions.
      onConnect: async (ctx) => {
        try {
          const context = await contextFor(tokenFromConnectionParams(ctx.connectionParams));
          if (!context.viewer) return false;
          ctx.extra.context = context;
          return true;
        } catch {
          return false;
        }
      },
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          wsContext: ctx.extra.context,
        });
        const args = {
          schema: s,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wsServer,
  );

  let listening = false;
  let stopJobs: Array<() => void> = [];
  return {
    database,
    services,
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
    async start() {
      await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
      listening = true;
      if (config.backgroundJobs) {
        stopJobs.push(startReactivationScheduler(services, (error) => console.error("[reactivation scheduler]", error)));
        stopJobs.push(startAbcScheduler(services, (error) => console.error("[abc scheduler]", error)));
        stopJobs.push(startReminderScheduler(services, config.reminderTickMs, (error) => console.error("[reminder scheduler]", error)));
      }
      const { port } = server.address() as AddressInfo;
      return { url: `http://${config.host}:${port}${yoga.graphqlEndpoint}`, port };
    },
    async stop() {
      for (const stopJob of stopJobs) stopJob();
      stopJobs = [];
      // Drain: tell sockets we are going away, stop accepting, then release resources.
      for (const client of wsServer.clients) client.close(1001, "Server shutting down");
      await wsDisposable.dispose();
      if (listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await pubsub.close();
      if (!options.database) await database.close();
    },
  };
}
