import { getOperationAST, Kind, type DocumentNode, type SelectionSetNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { RateLimitedError } from "./errors.js";
import { RATE_LIMITED_FIELDS, rateRule, type RateBucket } from "./rules.js";

/** Refuses the whole operation, before any resolver runs, when one of its rate-limited root fields is over its limit. */
export function useRateLimits(onLimited: (bucket: RateBucket) => void): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const rootType = operation && args.schema.getRootType(operation.operation);
      if (!operation || !rootType) return;
      const buckets = limitedRootFields(rootType.name, operation.selectionSet, args.document);
      if (!buckets.length) return;
      const ctx = args.contextValue as Context;
      const subject = ctx.viewer ? `user:${ctx.viewer.userId}` : `ip:${ctx.clientIp ?? "unknown"}`;
      const refusal = await consumeAll(ctx, buckets, subject);
      if (!refusal) return;
      onLimited(refusal.bucket);
      setResultAndStopExecution({ errors: [new RateLimitedError(refusal.retryAfterMs)] });
    },
  };
}

async function consumeAll(ctx: Context, buckets: RateBucket[], subject: string) {
  for (const bucket of buckets) {
    const decision = await ctx.rateLimiter.consume(`${bucket}:${subject}`, rateRule(bucket, ctx.config.limits));
    if (!decision.allowed) return { bucket, retryAfterMs: decision.retryAfterMs };
  }
  return undefined;
}

/** Every occurrence counts, so aliasing one expensive field ten times costs ten. */
function limitedRootFields(typeName: string, selectionSet: SelectionSetNode, document: DocumentNode): RateBucket[] {
  const found: RateBucket[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const bucket = RATE_LIMITED_FIELDS[`${typeName}.${selection.name.value}`];
      if (bucket) found.push(bucket);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...limitedRootFields(typeName, selection.selectionSet, document));
    } else {
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) found.push(...limitedRootFields(typeName, fragment.selectionSet, document));
    }
  }
  return found;
}
