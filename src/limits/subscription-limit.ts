import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { SubscriptionLimitError } from "./errors.js";
import type { SubscriptionSlots } from "./subscription-slots.js";

/** Live subscriptions per user in this process (the single-instance store, and the fallback while Redis is away). */
export class SubscriptionCounter {
  private readonly perUser = new Map<string, number>();
  constructor(private readonly limit: number) {}

  /** Takes a slot for the user, or returns false when they are at the limit. */
  tryAcquire(userId: string): boolean {
    const current = this.perUser.get(userId) ?? 0;
    if (current >= this.limit) return false;
    this.perUser.set(userId, current + 1);
    return true;
  }

  release(userId: string): void {
    const current = this.perUser.get(userId) ?? 0;
    if (current <= 1) this.perUser.delete(userId);
    else this.perUser.set(userId, current - 1);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.perUser.values()) sum += n;
    return sum;
  }
}

/**
 * Holds a slot from subscribe until the event stream ends (client completes, socket closes, server stops), for
 * subscriptions over graphql-ws and over HTTP (SSE) alike.
 */
export function useSubscriptionLimit(slots: SubscriptionSlots, limit: number, gauge: { inc(): void; dec(): void }): Plugin<Context> {
  return {
    async onSubscribe({ args, setResultAndStopExecution }) {
      const viewer = (args.contextValue as Context).viewer;
      if (!viewer) return; // the schema's auth scopes refuse it
      const releaseSlot = await slots.acquire(viewer.userId);
      if (!releaseSlot) {
        setResultAndStopExecution({ errors: [new SubscriptionLimitError(limit)] });
        return;
      }
      gauge.inc();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        releaseSlot();
        gauge.dec();
      };
      return {
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) return release();
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}
