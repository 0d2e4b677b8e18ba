import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { SubscriptionLimitError } from "./errors.js";

/**
 * Live subscriptions per user on this instance. Each holds a socket's worth of memory and a pub/sub listener,
 * so one user (or a leaked token) cannot exhaust the instance. Per instance, not cluster-wide: a user spread
 * over N instances by the balancer can hold N × limit, which still bounds each instance.
 */
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
export function useSubscriptionLimit(limit: number, gauge: { inc(): void; dec(): void }): Plugin<Context> {
  const counter = new SubscriptionCounter(limit);
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const viewer = (args.contextValue as Context).viewer;
      if (!viewer) return; // the schema's auth scopes refuse it
      if (!counter.tryAcquire(viewer.userId)) {
        setResultAndStopExecution({ errors: [new SubscriptionLimitError(limit)] });
        return;
      }
      gauge.inc();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        counter.release(viewer.userId);
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
