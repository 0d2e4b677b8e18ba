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
        const stream = endable(result[Symbol.asyncIterator](), () => stops.delete(stream.end));
        stops.add(stream.end);
        setResult(stream.iterator);
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

/**
 * Wraps an iterator so `end()` finishes it at once, even while a `next()` is waiting for an event. Only the one
 * pending call listens for the end: racing every `next()` against one long-lived "ended" promise would add a
 * reaction to it per event, which lives as long as the subscription.
 */
export function endable<T>(inner: AsyncIterator<T>, onFinish: () => void) {
  let ended = false;
  let endPending: (() => void) | undefined;
  const finish = () => {
    ended = true;
    endPending?.();
    endPending = undefined;
    onFinish();
  };
  const iterator = {
    next: () => {
      if (ended) return Promise.resolve({ done: true, value: undefined } as IteratorResult<T>);
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        endPending = () => resolve({ done: true, value: undefined });
        inner.next().then(
          (result) => {
            endPending = undefined;
            resolve(result);
          },
          (error: unknown) => {
            endPending = undefined;
            reject(error);
          },
        );
      });
    },
    return: (value?: unknown) => {
      finish();
      return inner.return ? inner.return(value) : Promise.resolve({ done: true, value } as IteratorResult<T>);
    },
    throw: (error?: unknown) => {
      finish();
      return inner.throw ? inner.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<T>;
  return {
    iterator,
    end: () => {
      finish();
      void inner.return?.()?.catch(() => {});
    },
  };
}
