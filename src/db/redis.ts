import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import { throttled } from "../shared/throttled.js";

/**
 * A Redis connection for commands that must not wait out an outage (rate limits, readiness): no offline queue,
 * so while Redis is away a command fails at once instead of hanging the request; it reconnects on its own.
 */
export function openRedisForCommands(url: string, log: Logger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
  redis.on("error", throttled((error) => log.warn({ err: error }, "redis (commands) unavailable; retrying")));
  return redis;
}
