import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ConfigError, ENV_VARIABLES, loadConfig } from "../../src/config.js";
import { nodeVersionProblem } from "../../src/node-version.js";

const PROD = { NODE_ENV: "production", JWT_SECRET: "x".repeat(40) };
const error = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration from the environment", () => {
  it("reads booleans as 0/1/false/true, any case: SEED_DEMO=false does not seed", () => {
    for (const [value, seeded] of [["false", false], ["0", false], ["FALSE", false], ["true", true], ["1", true], [" True ", true], ["", true]] as const) {
      expect(loadConfig({ SEED_DEMO: value }).seedDemo, value).toBe(seeded);
    }
    expect(error({ SEED_DEMO: "no" })).toContain('SEED_DEMO: must be one of 0, 1, false, true (got "no")');
  });

  it("production never seeds demo data, and refuses to be asked to", () => {
    expect(loadConfig(PROD).seedDemo).toBe(false);
    expect(loadConfig({ ...PROD, SEED_DEMO: "false" }).seedDemo).toBe(false);
    expect(error({ ...PROD, SEED_DEMO: "1" })).toMatch(/SEED_DEMO: demo data .* is never seeded in production/);
    expect(error({ NODE_ENV: "production" })).toContain("JWT_SECRET: must be set to at least 32 characters");
  });

  it("checks numbers and ports, and reports every bad variable at once", () => {
    const message = error({ PORT: "80a", GRAPHQL_MAX_DEPTH: "0", DRAIN_TIMEOUT_MS: "1.5" });
    expect(message).toContain('PORT: must be a number (got "80a")');
    expect(message).toContain('GRAPHQL_MAX_DEPTH: must be at least 1 (got "0")');
    expect(message).toContain('DRAIN_TIMEOUT_MS: must be a whole number (got "1.5")');
    expect(error({ PORT: "70000" })).toContain("PORT: must be at most 65535");
    expect(loadConfig({ PORT: "8080", DRAIN_DELAY_MS: "0" })).toMatchObject({ port: 8080, drainDelayMs: 0 });
  });

  it("parses URLs: DATABASE_URL must be PostgreSQL, REDIS_URL must be Redis", () => {
    expect(error({ DATABASE_URL: "mysql://root@db/crm" })).toContain("DATABASE_URL: must be a PostgreSQL URL (postgresql://...), not mysql://");
    expect(error({ DATABASE_URL: "localhost:5432/crm" })).toMatch(/DATABASE_URL: .*PostgreSQL URL|DATABASE_URL: is not a URL/);
    expect(error({ DATABASE_URL: "not a url" })).toContain("DATABASE_URL: is not a URL");
    expect(error({ REDIS_URL: "http://127.0.0.1:6379" })).toContain("REDIS_URL: must be a redis: or rediss: URL");
    expect(loadConfig({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/crm", REDIS_URL: "redis://127.0.0.1:6379" }).redisUrl).toBe("redis://127.0.0.1:6379");
  });
});

describe(".env.example", () => {
  it("lists every variable the API reads", () => {
    const example = readFileSync(".env.example", "utf8");
    const missing = ENV_VARIABLES.filter((name) => !new RegExp(`^# ${name}=`, "m").test(example));
    expect(missing).toEqual([]);
  });
});

describe("the Node version check", () => {
  it("refuses a Node older than package.json's engines, naming both", () => {
    const { engines } = JSON.parse(readFileSync("package.json", "utf8"));
    expect(nodeVersionProblem("18.19.0", engines.node)).toBe(`Node 18.19.0 is too old: this API needs Node ${engines.node}.`);
    expect(nodeVersionProblem(process.versions.node, engines.node)).toBeNull();
  });
});
