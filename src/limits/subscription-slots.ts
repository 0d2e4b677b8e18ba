import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { SubscriptionCounter } from "./subscription-limit.js";

/**
 * Slots for live subscriptions, `limit` per user. Each holds a socket's worth of memory and a pub/sub listener,
 * so one user (or a leaked token) cannot exhaust the fleet. `acquire` returns the slot's release, or null at the limit.
 */
export interface SubscriptionSlots {
  acquire(userId: string): Promise<(() => void) | null>;
  /** Gives back every slot still held (a stopping instance), so they do not linger until their leases lapse. */
  close(): Promise<void>;
}

export function createMemorySlots(limit: number): SubscriptionSlots {
  const counter = new SubscriptionCounter(limit);
  return {
    acquire: async (userId) => (counter.tryAcquire(userId) ? once(() => counter.release(userId)) : null),
    close: async () => {},
  };
}

// Drop expired leases, then take one if the user is under the limit: one atomic step across instances.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * Cluster-wide: each slot is a lease in a per-user sorted set, renewed by its instance every third of the lease.
 * A killed instance's leases lapse within `leaseMs`. While Redis is unreachable, slots fall back to this instance's
 * own counter rather than refusing every subscription.
 */
export function createRedisSlots(
  redis: Redis,
  options: { prefix: string; limit: number; leaseMs?: number; onError: (error: unknown) => void },
): SubscriptionSlots {
  const leaseMs = options.leaseMs ?? 60_000;
  const instance = randomUUID();
  const held = new Map<string, string>(); // lease member -> key
  const fallback = createMemorySlots(options.limit);
  const renew = setInterval(() => {
    if (!held.size) return;
    const expiry = Date.now() + leaseMs;
    const pipeline = redis.pipeline();
    for (const [member, key] of held) pipeline.zadd(key, "XX", expiry, member).pexpire(key, leaseMs);
    pipeline.exec().catch(options.onError);
  }, leaseMs / 3);
  renew.unref();

  return {
    async acquire(userId) {
      const key = `${options.prefix}subs:${userId}`;
      const member = `${instance}:${randomUUID()}`;
      const now = Date.now();
      try {
        const taken = await redis.eval(ACQUIRE, 1, key, now, options.limit, now + leaseMs, member, leaseMs);
        if (taken !== 1) return null;
      } catch (error) {
        options.onError(error);
        return fallback.acquire(userId);
      }
      held.set(member, key);
      return once(() => {
        held.delete(member);
        redis.zrem(key, member).catch(options.onError);
      });
    },
    async close() {
      clearInterval(renew);
      const pipeline = redis.pipeline();
      for (const [member, key] of held) pipeline.zrem(key, member);
      held.clear();
      await pipeline.exec().catch(options.onError);
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
