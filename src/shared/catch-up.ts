import { Repeater } from "graphql-yoga";

/**
 * A subscription stream that first replays what the subscriber missed, then goes live. It listens before
 * reading the backlog, so an event that lands in between is delivered once, from either side (`keyOf` dedupes).
 * Only that overlap needs remembering: keys of the backlog, and of live events that came while it was read.
 * Later live events are checked against those and not kept, so a long-lived subscription holds nothing per event.
 */
export function catchUpThenLive<T>(options: {
  live: AsyncIterable<T>;
  backlog: () => Promise<T[]>;
  keyOf: (event: T) => string;
  accept?: (event: T) => boolean;
}): AsyncIterable<T> {
  const accept = options.accept ?? (() => true);
  return new Repeater<T>(async (push, stop) => {
    const seen = new Set<string>();
    let caughtUp = false;
    const emit = async (event: T) => {
      const key = options.keyOf(event);
      if (seen.has(key)) return;
      if (!caughtUp) seen.add(key);
      await push(event); // waits for the subscriber to take it: a slow one holds back the pump, not memory
    };
    const live = options.live[Symbol.asyncIterator]();
    stop.then(() => live.return?.());
    const pump = (async () => {
      for (;;) {
        const next = await live.next();
        if (next.done) return;
        if (accept(next.value)) await emit(next.value);
      }
    })();
    for (const event of await options.backlog()) await emit(event);
    caughtUp = true;
    await stop;
    await pump.catch(() => {});
  });
}
