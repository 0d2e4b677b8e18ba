import type { Redis } from "ioredis";
import type { Database } from "../db/database.js";

export type CheckResult = "ok" | string;

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Readiness: this instance can serve traffic now. It fails while draining (so the balancer stops sending
 * requests before the listener closes) and when the database does not answer within 2 s. Redis is reported
 * but not required: without it queries and mutations still work (only cross-instance fan-out pauses), and
 * failing readiness on a dependency every instance shares would take the whole fleet out of the balancer.
 */
export async function checkReadiness(deps: { database: Database; redis?: Redis; draining: boolean }): Promise<Readiness> {
  const checks: Record<string, CheckResult> = {};
  const probes: Array<Promise<void>> = [
    probe("database", () => deps.database.query("SELECT 1"), checks),
  ];
  if (deps.redis) probes.push(probe("redis", () => deps.redis!.ping(), checks));
  await Promise.all(probes);
  if (deps.draining) checks.draining = "shutting down";
  const required = Object.entries(checks).filter(([name]) => name !== "redis");
  return { ready: required.every(([, result]) => result === "ok"), checks };
}

async function probe(name: string, run: () => Promise<unknown>, into: Record<string, CheckResult>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), timeout]);
    into[name] = "ok";
  } catch (error) {
    into[name] = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
