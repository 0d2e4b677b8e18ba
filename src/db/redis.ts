import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";

/**
 * A Redis connection for commands that must not wait out an outage (rate limits, readiness): no offline queue,
 * so while Redis is away a command fails at once instead of hanging the request; it reconnects on its own.
 */
export function openRedisForCommands(url: string, log: Logger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
  let lastReported = 0;
  // Report at most once every 10 s while it retries.
  redis.on("error", (error) => {
    if (Date.now() - lastReported < 10_000) return;
    lastReported = Date.now();
    log.warn({ err: error }, "redis (commands) unavailable; retrying");
  });
  return redis;
}
