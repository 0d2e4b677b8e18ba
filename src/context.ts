import type { PrismaClient } from "./generated/prisma/client.js";
import type { Viewer } from "./auth/tokens.js";
import type { Config } from "./config.js";
import type { CrmPubSub } from "./pubsub.js";
import type { Clock } from "./clock.js";

/** Shared by every request of one app instance. */
export interface AppServices {
  prisma: PrismaClient;
  config: Config;
  pubsub: CrmPubSub;
  clock: Clock;
}

export interface Context extends AppServices {
  viewer: Viewer | null;
}

export interface AuthedContext extends Context {
  viewer: Viewer;
}

/** Narrows a context whose type scopes already required a signed-in caller. */
export function authed(ctx: Context): AuthedContext {
  if (!ctx.viewer) throw new Error("authed() called without a viewer: a scope is missing");
  return ctx as AuthedContext;
}
