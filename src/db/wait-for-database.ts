import type { Logger } from "pino";
import { StartupError } from "../startup-error.js";
import type { Database } from "./database.js";

/**
 * At start-up PostgreSQL may still be booting (containers start together): retry with exponential back-off
 * for a bounded time, then stop with a message that names the host and port rather than a driver stack.
 */
export async function waitForDatabase(database: Database, url: string, waitMs: number, log: Logger, sleep = defaultSleep): Promise<void> {
  if (database.kind !== "postgres") return;
  const deadline = Date.now() + waitMs;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await database.query("SELECT 1");
      return;
    } catch (error) {
      const reason = (error as Error).message || String(error);
      if (Date.now() + delay > deadline) {
        throw new StartupError(`Cannot reach PostgreSQL at ${where(url)} after ${attempt} attempts (${reason}). Is it running, and is DATABASE_URL right?`);
      }
      log.warn({ attempt, retryInMs: delay, reason }, `PostgreSQL at ${where(url)} is not reachable yet; retrying`);
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
