import { z } from "zod";
import { DEFAULT_DATABASE_URL, resolveDatabase } from "./db/database-url.js";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Namespace of this deployment's keys and channels in Redis, so deployments can share one Redis. */
  redisPrefix: string;
  production: boolean;
  jwt: {
    /** HS256 secret for tokens this API issues. */
    secret: Uint8Array;
    issuer: string;
    audience: string;
    /** Lifetime of an access token; sessions outlive it through refresh tokens. */
    ttlSeconds: number;
    /** Lifetime of a session without use of its refresh token. */
    refreshTtlSeconds: number;
    /** Optional external identity provider. */
    external?: { jwksUrl: string; issuer: string; audience: string };
  };
  /** Seed demo data into an empty database on start. Never in production. */
  seedDemo: boolean;
  /** Timers inside the API process (reactivation sweep, reminders). Off only for tests that drive them by hand. */
  backgroundJobs: boolean;
  /** How often the reminder scheduler looks for due tasks. */
  reminderTickMs: number;
  /** Apply pending migrations on start. Off in production: run `npm run migrate` as its own deploy step. */
  migrateOnStart: boolean;
  /** How long start-up keeps retrying an unreachable database before giving up. */
  databaseWaitMs: number;
  logLevel: string;
  limits: Limits;
  /** Schema introspection (and so GraphiQL's docs); off in production unless asked for. */
  introspection: boolean;
  /**
   * Outbound webhooks: private/loopback receivers allowed (tests, intranets), per-attempt timeout, worker poll, and
   * how long a claimed delivery stays its instance's (at least twice the timeout) before another may retry it.
   */
  webhooks: { allowPrivateAddresses: boolean; timeoutMs: number; pollMs: number; leaseMs: number };
  /** Origins allowed by CORS; empty means any origin (tokens are bearer headers, not cookies). */
  corsOrigins: string[];
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** Bearer token for GET /metrics. Without one, /metrics is served only outside production. */
  metricsToken: string | undefined;
  /** On SIGTERM: how long /readyz reports 503 before the listener closes, so the balancer stops routing here. */
  drainDelayMs: number;
  /** How long in-flight HTTP requests may take to finish during shutdown. */
  drainTimeoutMs: number;
  /** Answer plain-field queries with one compiled SQL statement (src/compiled-reads); off runs every query through Pothos. */
  compiledReads: boolean;
  /** Execute a subscription event once per user, document and variables, not once per subscriber. */
  sharedSubscriptionEvents: boolean;
  /** Also run every compiled query through Pothos and fail it when the two differ (tests; doubles the work). */
  compiledReadsVerify: boolean;
}

export interface Limits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxBodyBytes: number;
  /** A multipart upload (importRecords): a whole client base in one CSV file. */
  maxUploadBytes: number;
  subscriptionsPerUser: number;
  /** Requests per minute for each rate-limited bucket (see src/limits/rules.ts). */
  loginPerMinute: number;
  expensivePerMinute: number;
}

/** A bad environment: the message names every offending variable and is meant for a person, without a stack. */
export class ConfigError extends Error {}

const DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef";

/** Unset and empty both mean "use the default", as shells and .env files tend to produce either. */
const unset = (value: unknown) => (value === "" ? undefined : value);
const bool = (fallback?: boolean) =>
  z.preprocess(
    (v) => unset(typeof v === "string" ? v.trim().toLowerCase() : v),
    z.enum(["0", "1", "false", "true"], { message: "must be one of 0, 1, false, true" }).optional(),
  ).transform((v) => (v === undefined ? fallback : v === "1" || v === "true"));
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(unset, z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).default(fallback));
const text = (fallback: string) => z.preprocess(unset, z.string().default(fallback));
const optionalText = z.preprocess(unset, z.string().optional());
const url = (protocols: string[]) =>
  z.preprocess(unset, z.string().url("must be a URL").refine((v) => protocols.includes(new URL(v).protocol), `must be a ${protocols.join(" or ")} URL`).optional());

const envSchema = z.object({
  NODE_ENV: optionalText,
  PORT: int(4000, 0, 65535),
  HOST: text("127.0.0.1"),
  DATABASE_URL: z.preprocess(unset, z.string().default(DEFAULT_DATABASE_URL).superRefine(checkDatabaseUrl)),
  DATABASE_WAIT_MS: int(30_000),
  REDIS_URL: url(["redis:", "rediss:"]),
  REDIS_PREFIX: text("crm:"),
  JWT_SECRET: optionalText,
  JWT_ISSUER: text("crm-api"),
  JWT_AUDIENCE: text("crm-clients"),
  JWT_TTL_SECONDS: int(15 * 60, 30, 24 * 3600),
  REFRESH_TTL_SECONDS: int(30 * 24 * 3600, 60),
  OIDC_JWKS_URL: url(["https:", "http:"]),
  OIDC_ISSUER: optionalText,
  OIDC_AUDIENCE: optionalText,
  SEED_DEMO: bool(),
  BACKGROUND_JOBS: bool(true),
  REMINDER_TICK_MS: int(1000, 10),
  MIGRATE_ON_START: bool(),
  LOG_LEVEL: z.preprocess(unset, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional()),
  GRAPHQL_MAX_DEPTH: int(10, 1),
  GRAPHQL_MAX_COST: int(10000, 1),
  GRAPHQL_MAX_ALIASES: int(30, 1),
  GRAPHQL_MAX_TOKENS: int(3000, 1),
  GRAPHQL_MAX_DIRECTIVES: int(20, 1),
  MAX_BODY_BYTES: int(1024 * 1024, 1024),
  MAX_UPLOAD_BYTES: int(256 * 1024 * 1024, 1024),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: bool(false),
  WEBHOOK_TIMEOUT_MS: int(10_000, 100),
  WEBHOOK_POLL_MS: int(500, 10),
  WEBHOOK_LEASE_MS: int(120_000, 1000),
  SUBSCRIPTIONS_PER_USER: int(20, 1),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(10, 1),
  RATE_LIMIT_EXPENSIVE_PER_MINUTE: int(30, 1),
  GRAPHQL_INTROSPECTION: bool(),
  CORS_ORIGINS: text(""),
  TRUST_PROXY: bool(false),
  METRICS_TOKEN: optionalText,
  DRAIN_DELAY_MS: z.preprocess(unset, z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0, "must be at least 0").optional()),
  DRAIN_TIMEOUT_MS: int(10000),
  COMPILED_READS: bool(true),
  COMPILED_READS_VERIFY: bool(false),
  SHARED_SUBSCRIPTION_EVENTS: bool(true),
});

/** Every variable the API reads; .env.example lists them all (a test checks). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

function checkDatabaseUrl(value: string, ctx: z.RefinementCtx) {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "is not a URL (expected postgresql://user@host:5432/db, or ...?pglite=<dir> for the embedded database)" });
    return;
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    ctx.addIssue({ code: "custom", message: `must be a PostgreSQL URL (postgresql://...), not ${parsed.protocol}//` });
    return;
  }
  if (resolveDatabase(value).kind === "postgres" && !parsed.hostname) ctx.addIssue({ code: "custom", message: "needs a host name" });
}

/**
 * Reads the whole environment through one schema. Every problem is reported at once, naming the variable,
 * and start-up stops: a typo in a flag must not silently fall back to a default (`SEED_DEMO=false` once
 * seeded a demo ADMIN with a public password).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const secret = e.JWT_SECRET ?? (production ? undefined : DEV_SECRET);
  if (!secret || secret.length < 32) throw new ConfigError("Invalid environment:\n  JWT_SECRET: must be set to at least 32 characters");
  if (production && e.SEED_DEMO) {
    throw new ConfigError("Invalid environment:\n  SEED_DEMO: demo data (an ADMIN with a published password) is never seeded in production");
  }
  if (e.OIDC_JWKS_URL && (!e.OIDC_ISSUER || !e.OIDC_AUDIENCE)) {
    throw new ConfigError("Invalid environment:\n  OIDC_ISSUER, OIDC_AUDIENCE: required when OIDC_JWKS_URL is set");
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseWaitMs: e.DATABASE_WAIT_MS,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    production,
    jwt: {
      secret: new TextEncoder().encode(secret),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      ttlSeconds: e.JWT_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TTL_SECONDS,
      external: e.OIDC_JWKS_URL ? { jwksUrl: e.OIDC_JWKS_URL, issuer: e.OIDC_ISSUER!, audience: e.OIDC_AUDIENCE! } : undefined,
    },
    seedDemo: e.SEED_DEMO ?? !production,
    backgroundJobs: e.BACKGROUND_JOBS!,
    reminderTickMs: e.REMINDER_TICK_MS,
    migrateOnStart: e.MIGRATE_ON_START ?? !production,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "silent" : "info"),
    limits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      subscriptionsPerUser: e.SUBSCRIPTIONS_PER_USER,
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      expensivePerMinute: e.RATE_LIMIT_EXPENSIVE_PER_MINUTE,
    },
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    webhooks: { allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES!, timeoutMs: e.WEBHOOK_TIMEOUT_MS, pollMs: e.WEBHOOK_POLL_MS, leaseMs: Math.max(e.WEBHOOK_LEASE_MS, e.WEBHOOK_TIMEOUT_MS * 2) },
    corsOrigins: e.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean),
    trustProxy: e.TRUST_PROXY!,
    metricsToken: e.METRICS_TOKEN,
    drainDelayMs: e.DRAIN_DELAY_MS ?? (production ? 5000 : 0),
    drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
    compiledReads: e.COMPILED_READS!,
    compiledReadsVerify: e.COMPILED_READS_VERIFY!,
    sharedSubscriptionEvents: e.SHARED_SUBSCRIPTION_EVENTS!,
    ...overrides,
  };
}
