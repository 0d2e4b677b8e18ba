import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga } from "graphql-yoga";
import type { Redis } from "ioredis";
import { createTokenVerifier } from "../auth/tokens.js";
import { systemClock, type Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { AppServices, Context } from "../context.js";
import { openDatabase, type Database } from "../db/database.js";
import { applyMigrations, pendingMigrations } from "../db/migrate.js";
import { waitForDatabase } from "../db/wait-for-database.js";
import { createExportHandler } from "../export/http.js";
import { StartupError } from "../startup-error.js";
import { openRedisForCommands } from "../db/redis.js";
import { createMemoryRateLimiter, createRedisRateLimiter } from "../limits/rate-limiter.js";
import { createMemorySlots, createRedisSlots } from "../limits/subscription-slots.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { createCrmPubSub } from "../pubsub.js";
import { throttled } from "../shared/throttled.js";
import { failInterruptedImports } from "../import/jobs.js";
import { startWebhookWorker } from "../webhooks/worker.js";
import { startReactivationScheduler } from "../reactivation/scheduler.js";
import { startAbcScheduler } from "../analytics/abc-scheduler.js";
import { startReminderScheduler } from "../tasks/scheduler.js";
import { schema } from "../schema.js";
import { createContextFactory, tokenFromRequest } from "./context-factory.js";
import { clientAddress } from "./client-address.js";
import { checkReadiness } from "./health.js";
import { createHttpHandler } from "./http-handler.js";
import { maskUnexpectedErrors } from "./mask-errors.js";
import { createLiveSubscriptions } from "./live-subscriptions.js";
import { useSharedSubscriptionEvents } from "./shared-subscription-events.js";
import { compiledReadPlugins, graphqlPlugins } from "./plugins.js";
import { attachGraphqlWs } from "./ws.js";

export interface AppOptions {
  config: Config;
  clock?: Clock;
  /** Reuse an open database (tests); otherwise one is opened from config.databaseUrl. */
  database?: Database;
  log?: Logger;
}

export interface App {
  start(): Promise<{ url: string; port: number }>;
  /** Graceful: readiness fails, then the listener closes, sockets are told to reconnect elsewhere, in-flight requests finish. */
  stop(): Promise<void>;
  database: Database;
  services: AppServices;
  fetch: (request: Request) => Promise<Response>;
}

/** Wires database, pub/sub, Yoga and graphql-ws on one HTTP server. Nothing listens until start(). */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const log = options.log ?? createLogger(config.logLevel);
  const database =
    options.database ??
    (await openDatabase(config.databaseUrl, { onIdleError: (error) => log.warn({ err: error }, "idle database connection lost") }));
  if (!options.database) await waitForDatabase(database, config.databaseUrl, config.databaseWaitMs, log);
  await prepareSchema(database, config, log);
  const interrupted = await failInterruptedImports(database.prisma);
  if (interrupted) log.warn({ jobs: interrupted }, "import jobs interrupted by a stopped instance marked FAILED");
  const metrics = createMetrics();
  const redis: Redis | undefined = config.redisUrl ? openRedisForCommands(config.redisUrl, log) : undefined;
  const services: AppServices = {
    prisma: database.prisma,
    sql: database,
    config,
    pubsub: createCrmPubSub(config.redisUrl, throttled((error) => log.warn({ err: error }, "redis (pub/sub) unavailable; retrying")), config.redisPrefix),
    clock: options.clock ?? systemClock,
    rateLimiter: redis
      ? createRedisRateLimiter(redis, config.redisPrefix, (error) => log.warn({ err: error }, "rate limiter unavailable; letting the operation through"))
      : createMemoryRateLimiter(),
    log,
    metrics,
  };
  const contextFor = createContextFactory(services, createTokenVerifier(config.jwt));
  const liveSubscriptions = createLiveSubscriptions();
  const subscriptionSlots = redis
    ? createRedisSlots(redis, {
      prefix: config.redisPrefix,
      limit: config.limits.subscriptionsPerUser,
      onError: throttled((error) => log.warn({ err: error }, "subscription slots unavailable in redis; counting on this instance")),
    })
    : createMemorySlots(config.limits.subscriptionsPerUser);

  const yoga = createYoga<{ wsContext?: Context; req?: import("node:http").IncomingMessage }, Context>({
    schema,
    // Self-hosted GraphiQL (every asset inlined from the package: nothing from a CDN). Its subscriptions go over SSE,
    // so the Authorization header pasted into GraphiQL authenticates them exactly like queries.
    graphiql: config.production ? false : { subscriptionsProtocol: "SSE", title: "CRM GraphQL API" },
    renderGraphiQL,
    landingPage: false,
    cors: config.corsOrigins.length ? { origin: config.corsOrigins, credentials: false } : undefined,
    plugins: graphqlPlugins(config, metrics, subscriptionSlots, [
      liveSubscriptions.plugin,
      ...(config.sharedSubscriptionEvents ? [useSharedSubscriptionEvents()] : []),
      ...compiledReadPlugins(config, metrics),
    ]),
    maskedErrors: { maskError: maskUnexpectedErrors(log, config.production) },
    context: async ({ request, req, wsContext }) =>
      wsContext ?? contextFor(tokenFromRequest(request), clientAddress(req, config.trustProxy)),
    logging: {
      debug: (...args) => log.debug({ args }, "yoga"),
      info: (...args) => log.info({ args }, "yoga"),
      warn: (...args) => log.warn({ args }, "yoga"),
      error: (...args) => log.error({ args }, "yoga"),
    },
  });

  let draining = false;
  const server: Server = createServer(
    createHttpHandler({
      config,
      graphqlPath: yoga.graphqlEndpoint,
      graphql: yoga,
      log,
      metrics,
      readiness: () => checkReadiness({ database, redis, draining }),
      exportRecords: createExportHandler(contextFor),
    }),
  );
  // Longer than common balancer idle timeouts (60 s), so the balancer, not us, closes idle keep-alive connections
  // (otherwise it may send a request on a socket we are closing); a client gets 30 s to send its whole request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  const ws = attachGraphqlWs({
    server,
    yoga,
    contextFor,
    trustProxy: config.trustProxy,
    maxMessageBytes: config.limits.maxBodyBytes,
    metrics,
    pubsub: services.pubsub,
  });

  let listening = false;
  let stopJobs: Array<() => void> = [];
  return {
    database,
    services,
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
    async start() {
      await listen(server, config.port, config.host);
      listening = true;
      if (config.backgroundJobs) {
        stopJobs.push(startReactivationScheduler(services), startAbcScheduler(services));
        stopJobs.push(startReminderScheduler(services, config.reminderTickMs));
        const webhooks = startWebhookWorker({ sql: database, log, ...config.webhooks });
        stopJobs.push(() => void webhooks.stop());
      }
      const { port } = server.address() as AddressInfo;
      return { url: `http://${config.host}:${port}${yoga.graphqlEndpoint}`, port };
    },
    async stop() {
      draining = true;
      for (const stopJob of stopJobs) stopJob();
      stopJobs = [];
      if (listening && config.drainDelayMs > 0) await sleep(config.drainDelayMs);
      if (listening) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await ws.close();
        const ended = liveSubscriptions.endAll(); // SSE streams end cleanly; their clients reconnect elsewhere
        if (ended) log.info({ ended }, "ended live subscriptions for the drain");
        const timedOut = sleep(config.drainTimeoutMs, "timeout" as const, { ref: false });
        if ((await Promise.race([closed, timedOut])) === "timeout") {
          log.warn("drain timeout: closing the remaining connections");
          server.closeAllConnections();
          await closed;
        }
      } else {
        await ws.close();
      }
      await subscriptionSlots.close();
      await services.pubsub.close();
      redis?.disconnect();
      if (!options.database) await database.close();
    },
  };
}

/** Migrates on start (embedded and dev), or checks that the separate migrate step ran (production). */
async function prepareSchema(database: Database, config: Config, log: Logger): Promise<void> {
  if (config.migrateOnStart) {
    const applied = await applyMigrations(database, {
      onMigration: (name, index, total) => log.info({ migration: name, step: `${index}/${total}` }, `applying migration ${index}/${total}: ${name}`),
    });
    if (applied.length) log.info({ applied }, "migrations applied");
    return;
  }
  const pending = await pendingMigrations(database);
  if (pending.length) {
    throw new StartupError(`The database is missing migrations ${pending.join(", ")}: run \`npm run migrate\` first (or set MIGRATE_ON_START=1)`);
  }
}

/** Listens, turning "address in use" and "not permitted" into messages that say which setting to change. */
function listen(server: import("node:http").Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") reject(new StartupError(`Port ${port} on ${host} is already in use by another program: stop it, or set PORT to a free port.`));
      else if (error.code === "EACCES") reject(new StartupError(`Not allowed to listen on ${host}:${port}: choose a PORT above 1023, or run with the needed permission.`));
      else if (error.code === "EADDRNOTAVAIL") reject(new StartupError(`HOST ${host} is not an address of this machine.`));
      else reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}
