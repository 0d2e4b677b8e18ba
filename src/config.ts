import { DEFAULT_DATABASE_URL } from "./db/database-url.js";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Namespace of this deployment's keys in Redis (rate-limit counters), so deployments can share one Redis. */
  redisPrefix: string;
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
  /** Timers inside the API process (reactivation sweep, reminders). Off only for tests that drive them by hand. */
  backgroundJobs: boolean;
  /** How often the reminder scheduler looks for due tasks. */
  reminderTickMs: number;
  /** Apply pending migrations on start. Off in production: run `npm run migrate` as its own deploy step. */
  migrateOnStart: boolean;
  logLevel: string;
  limits: Limits;
  /** Schema introspection (and so GraphiQL's docs); off in production unless asked for. */
  introspection: boolean;
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
  subscriptionsPerUser: number;
  /** Requests per minute for each rate-limited bucket (see src/limits/rules.ts). */
  loginPerMinute: number;
  expensivePerMinute: number;
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
    redisPrefix: env.REDIS_PREFIX ?? "crm:",
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
    backgroundJobs: env.BACKGROUND_JOBS !== "0",
    reminderTickMs: Number(env.REMINDER_TICK_MS ?? 1000),
    migrateOnStart: flag(env.MIGRATE_ON_START, !production),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : "info"),
    limits: {
      maxDepth: int(env, "GRAPHQL_MAX_DEPTH", 10),
      maxCost: int(env, "GRAPHQL_MAX_COST", 10000),
      maxAliases: int(env, "GRAPHQL_MAX_ALIASES", 30),
      maxTokens: int(env, "GRAPHQL_MAX_TOKENS", 3000),
      maxDirectives: int(env, "GRAPHQL_MAX_DIRECTIVES", 20),
      maxBodyBytes: int(env, "MAX_BODY_BYTES", 1024 * 1024),
      subscriptionsPerUser: int(env, "SUBSCRIPTIONS_PER_USER", 20),
      loginPerMinute: int(env, "RATE_LIMIT_LOGIN_PER_MINUTE", 10),
      expensivePerMinute: int(env, "RATE_LIMIT_EXPENSIVE_PER_MINUTE", 30),
    },
    introspection: flag(env.GRAPHQL_INTROSPECTION, !production),
    corsOrigins: (env.CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    trustProxy: flag(env.TRUST_PROXY, false),
    metricsToken: env.METRICS_TOKEN || undefined,
    drainDelayMs: int(env, "DRAIN_DELAY_MS", production ? 5000 : 0),
    drainTimeoutMs: int(env, "DRAIN_TIMEOUT_MS", 10000),
    compiledReads: flag(env.COMPILED_READS, true),
    compiledReadsVerify: flag(env.COMPILED_READS_VERIFY, false),
    sharedSubscriptionEvents: flag(env.SHARED_SUBSCRIPTION_EVENTS, true),
    ...overrides,
  };
}

function flag(value: string | undefined, fallback: boolean): boolean {
  return value === undefined || value === "" ? fallback : value !== "0" && value.toLowerCase() !== "false";
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required when OIDC_JWKS_URL is set`);
  return value;
}
