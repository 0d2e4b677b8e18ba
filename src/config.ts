import { DEFAULT_DATABASE_URL } from "./db/database-url.js";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  production: boolean;
  jwt: {
    /** HS256 secret for tokens this API issues. */
    secret: Uint8Array;
    issuer: string;
    audience: string;
    ttlSeconds: number;
    /** Optional external identity provider. */
    external?: { jwksUrl: string; issuer: string; audience: string };
  };
  /** Seed demo data into an empty database on start. */
  seedDemo: boolean;
  maxDepth: number;
  maxCost: number;
  /** Timers inside the API process (reactivation sweep, reminders). Off only for tests that drive them by hand. */
  backgroundJobs: boolean;
  /** How often the reminder scheduler looks for due tasks. */
  reminderTickMs: number;
}

const DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef";

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const production = env.NODE_ENV === "production";
  const secret = env.JWT_SECRET ?? (production ? undefined : DEV_SECRET);
  if (!secret || secret.length < 32) throw new Error("JWT_SECRET must be set to at least 32 characters");
  const jwksUrl = env.OIDC_JWKS_URL;
  return {
    port: Number(env.PORT ?? 4000),
    host: env.HOST ?? "127.0.0.1",
    databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL || undefined,
    production,
    jwt: {
      secret: new TextEncoder().encode(secret),
      issuer: env.JWT_ISSUER ?? "crm-api",
      audience: env.JWT_AUDIENCE ?? "crm-clients",
      ttlSeconds: Number(env.JWT_TTL_SECONDS ?? 8 * 3600),
      external: jwksUrl
        ? { jwksUrl, issuer: required(env, "OIDC_ISSUER"), audience: required(env, "OIDC_AUDIENCE") }
        : undefined,
    },
    seedDemo: env.SEED_DEMO ? env.SEED_DEMO !== "0" : !production,
    maxDepth: Number(env.GRAPHQL_MAX_DEPTH ?? 10),
    maxCost: Number(env.GRAPHQL_MAX_COST ?? 10000),
    backgroundJobs: env.BACKGROUND_JOBS !== "0",
    reminderTickMs: Number(env.REMINDER_TICK_MS ?? 1000),
    ...overrides,
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required when OIDC_JWKS_URL is set`);
  return value;
}
