import { Repeater } from "graphql-yoga";

/**
 * A subscription stream that first replays what the subscriber missed, then goes live. It listens before
 * reading the backlog, so an event that lands in between is delivered once, from either side (`keyOf` dedupes).
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
    const emit = (event: T) => {
      const key = options.keyOf(event);
      if (seen.has(key)) return;
      seen.add(key);
      void push(event);
    };
    const live = options.live[Symbol.asyncIterator]();
    stop.then(() => live.return?.());
    const pump = (async () => {
      for (;;) {
        const next = await live.next();
        if (next.done) return;
        if (accept(next.value)) emit(next.value);
      }
    })();
    for (const event of await options.backlog()) emit(event);
    await stop;
    await pump.catch(() => {});
  });
}
