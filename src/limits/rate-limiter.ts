import type { Redis } from "ioredis";

export interface RateRule {
  /** Operations allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When the caller may try again; 0 when allowed. */
  retryAfterMs: number;
}

/** Fixed-window counters: cheap, one round trip, and exact enough for abuse limits. */
export interface RateLimiter {
  consume(key: string, rule: RateRule): Promise<RateDecision>;
}

/** One instance only: counters live in this process. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { endsAt: number; count: number }>();
  return {
    async consume(key, rule) {
      const at = now();
      if (windows.size > 50_000) for (const [k, w] of windows) if (w.endsAt <= at) windows.delete(k);
      let window = windows.get(key);
      if (!window || window.endsAt <= at) {
        window = { endsAt: at + rule.windowMs, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return window.count <= rule.limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: window.endsAt - at };
    },
  };
}

// INCR and the first PEXPIRE in one atomic step, so a crash between them cannot leave a counter that never expires.
const CONSUME_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/**
 * Shared by every API instance. When Redis is unreachable the limiter lets the operation through (and reports it):
 * a limiter outage must not take the API down with it.
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, onError: (error: unknown) => void): RateLimiter {
  return {
    async consume(key, rule) {
      try {
        const [count, ttl] = (await redis.eval(CONSUME_SCRIPT, 1, `${prefix}rate:${key}`, rule.windowMs)) as [number, number];
        return count <= rule.limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(ttl, 0) };
      } catch (error) {
        onError(error);
        return { allowed: true, retryAfterMs: 0 };
      }
    },
  };
}
