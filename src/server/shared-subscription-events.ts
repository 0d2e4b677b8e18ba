import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../context.js";

type Results = Map<DocumentNode, Map<string, Promise<ExecutionResult>>>;

/**
 * Executes a subscription's selection once per event for everyone who would get the same answer, instead of once
 * per subscriber. Subscribers of one topic receive the very same payload object, so the payload keys a weak cache
 * of results by document, operation, variables and the viewer facts a selection may depend on (organization, role,
 * user): results are shared only between subscriptions of the same user with the same document and variables, which
 * is where the fan-out is (one user's many tabs and devices, the same screen on every socket). The cache entry dies
 * with the event.
 */
export function useSharedSubscriptionEvents(): Plugin<Context> {
  const results = new WeakMap<object, Results>();

  const executeShared = (payload: unknown, args: ExecutionArgs): Promise<ExecutionResult> | ExecutionResult => {
    const viewer = (args.contextValue as Context).viewer;
    if (!viewer || payload === null || typeof payload !== "object") return execute({ ...args, rootValue: payload });
    let byDocument = results.get(payload);
    if (!byDocument) results.set(payload, (byDocument = new Map()));
    let byKey = byDocument.get(args.document);
    if (!byKey) byDocument.set(args.document, (byKey = new Map()));
    const key = JSON.stringify([args.operationName ?? null, args.variableValues ?? null, viewer.organizationId, viewer.role, viewer.userId]);
    let result = byKey.get(key);
    if (!result) {
      result = Promise.resolve(execute({ ...args, rootValue: payload }));
      byKey.set(key, result);
    }
    return result;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source; // the subscribe resolver refused: errors, as graphql-js returns them
        return mapEvents(source as AsyncIterable<unknown>, (payload) => executeShared(payload, args));
      });
    },
  };
}

/** Maps each event of a stream, passing `return` (unsubscribe) through to the source. */
function mapEvents<T, R>(source: AsyncIterable<T>, map: (event: T) => R | Promise<R>): AsyncGenerator<R> {
  const inner = source[Symbol.asyncIterator]();
  const done = { done: true, value: undefined } as IteratorResult<R>;
  return {
    async next() {
      const next = await inner.next();
      return next.done ? done : { done: false, value: await map(next.value) };
    },
    return: async () => {
      await inner.return?.();
      return done;
    },
    throw: async (error: unknown) => {
      await inner.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<R>;
}
