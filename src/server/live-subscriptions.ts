import { isAsyncIterable, type Plugin } from "graphql-yoga";

/**
 * Every live subscription stream, so a draining instance can end them at once: SSE clients get a clean end of
 * stream (and reconnect elsewhere) instead of a cut connection at the drain timeout. Ending does not wait for the
 * resolver's generator, which may be parked on an await until its next event.
 */
export function createLiveSubscriptions() {
  const stops = new Set<() => void>();
  const plugin: Plugin = {
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!isAsyncIterable(result)) return;
        const inner = result[Symbol.asyncIterator]();
        let stop!: () => void;
        const stopped = new Promise<IteratorResult<never>>((resolve) => {
          stop = () => resolve({ done: true, value: undefined as never });
        });
        const forget = () => {
          stop();
          stops.delete(end);
        };
        const end = () => {
          forget();
          void inner.return?.()?.catch(() => {});
        };
        stops.add(end);
        setResult({
          next: () => Promise.race([inner.next(), stopped]),
          return: (value?: unknown) => {
            forget();
            return inner.return ? inner.return(value) : Promise.resolve({ done: true, value });
          },
          throw: (error?: unknown) => {
            forget();
            return inner.throw ? inner.throw(error) : Promise.reject(error);
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        } as AsyncGenerator<never>);
      },
    }),
  };
  return {
    plugin,
    /** Ends every stream now; returns how many were live. */
    endAll(): number {
      const count = stops.size;
      for (const end of [...stops]) end();
      return count;
    },
  };
}
