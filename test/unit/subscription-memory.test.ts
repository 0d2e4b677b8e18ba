import { describe, expect, it } from "vitest";
import { catchUpThenLive } from "../../src/shared/catch-up.js";
import { endable } from "../../src/server/live-subscriptions.js";

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** An endless live feed: a new event on every pull, a macrotask apart like real deliveries. */
async function* feed(): AsyncGenerator<{ id: number }> {
  for (let id = 0; ; id++) {
    if (id % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    yield { id };
  }
}

async function take(iterator: AsyncIterator<unknown>, count: number) {
  for (let i = 0; i < count; i++) {
    const next = await iterator.next();
    if (next.done) throw new Error("stream ended early");
  }
}

const MB = 1024 * 1024;

describe("long-lived subscriptions keep a flat heap", () => {
  it("has a garbage collector to ask", () => expect(gc).toBeTypeOf("function"));

  it("the drain wrapper: 100k events add nothing per event", async () => {
    const stream = endable(feed(), () => {});
    await take(stream.iterator, 10_000); // warm up
    const before = heapAfterGc();
    await take(stream.iterator, 100_000);
    const growth = heapAfterGc() - before;
    stream.end();
    expect(await stream.iterator.next()).toEqual({ done: true, value: undefined });
    expect(growth).toBeLessThan(2 * MB);
  }, 60_000);

  it("catch-up then live: 100k live events after the backlog are not remembered", async () => {
    const stream = catchUpThenLive({
      live: { [Symbol.asyncIterator]: () => feed() },
      backlog: async () => [{ id: -1 }, { id: -2 }],
      keyOf: (event) => `event-${event.id}`,
    })[Symbol.asyncIterator]();
    await take(stream, 10_000);
    const before = heapAfterGc();
    await take(stream, 100_000);
    const growth = heapAfterGc() - before;
    await stream.return?.();
    expect(growth).toBeLessThan(2 * MB);
  }, 60_000);

  it("catch-up still delivers an event seen both in the backlog and live exactly once", async () => {
    async function* live() {
      yield { id: 1 };
      yield { id: 2 };
      await new Promise(() => {}); // then quiet
    }
    const stream = catchUpThenLive({
      live: { [Symbol.asyncIterator]: () => live() },
      backlog: async () => [{ id: 1 }, { id: 0 }],
      keyOf: (event) => String(event.id),
    })[Symbol.asyncIterator]();
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push(((await stream.next()).value as { id: number }).id);
    void stream.return?.();
    expect(got.sort()).toEqual([0, 1, 2]);
  });
});
