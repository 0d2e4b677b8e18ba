import type { PrismaClient } from "./generated/prisma/client.js";
import type { Viewer } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { Database, SqlConnection } from "./db/database.js";
import type { CrmPubSub } from "./pubsub.js";
import type { Clock } from "./clock.js";
import type { RateLimiter } from "./limits/rate-limiter.js";
import type { Logger } from "./observability/logger.js";
import type { Metrics } from "./observability/metrics.js";

/** Shared by every request of one app instance. */
export interface AppServices {
  prisma: PrismaClient;
  /** Plain SQL on the same pool as Prisma (the compiled read path); counted like Prisma's statements. */
  sql: SqlConnection & Pick<Database, "transaction">;
  config: Config;
  pubsub: CrmPubSub;
  clock: Clock;
  rateLimiter: RateLimiter;
  log: Logger;
  metrics: Metrics;
}

export interface Context extends AppServices {
  viewer: Viewer | null;
  /** The caller's network address, for per-address limits on anonymous operations. */
  clientIp: string | undefined;
}

export interface AuthedContext extends Context {
  viewer: Viewer;
}

/** Narrows a context whose type scopes already required a signed-in caller. */
export function authed(ctx: Context): AuthedContext {
  if (!ctx.viewer) throw new Error("authed() called without a viewer: a scope is missing");
  return ctx as AuthedContext;
}
