import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { useRateLimits } from "../limits/rate-limit-plugin.js";
import { useSubscriptionLimit } from "../limits/subscription-limit.js";
import type { SubscriptionSlots } from "../limits/subscription-slots.js";
import type { Metrics } from "../observability/metrics.js";
import { useGraphqlMetrics } from "../observability/graphql-metrics.js";
import { useCompiledReads } from "../compiled-reads/plugin.js";
import { useQueryCost } from "../limits/query-cost.js";
import { builder } from "../graphql/builder.js";

/**
 * Abuse limits in the order a request meets them: tokens at parse time (before any AST is built), aliases and
 * directives at validation, rate limits, then depth, cost and page sizes (query-cost.ts) right before execution.
 */
export function graphqlPlugins(
  config: Config,
  metrics: Metrics,
  subscriptionSlots: SubscriptionSlots,
  extra: Plugin<any>[] = [],
): Plugin<Context>[] {
  const { limits } = config;
  const plugins: Plugin<any>[] = [
    useGraphqlMetrics(metrics.registry),
    // Browsers send "simple" cross-site requests without a preflight; those must carry a header a form cannot set.
    useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf", "apollo-require-preflight"] }),
    maxTokensPlugin({ n: limits.maxTokens }),
    maxAliasesPlugin({ n: limits.maxAliases }),
    maxDirectivesPlugin({ n: limits.maxDirectives }),
    useRateLimits((bucket) => metrics.rateLimited.inc({ bucket })),
    useSubscriptionLimit(subscriptionSlots, limits.subscriptionsPerUser, metrics.activeSubscriptions),
    useQueryCost({ maxCost: limits.maxCost, maxDepth: limits.maxDepth, maxBreadth: 500, maxPageSize: builder.options.prisma.maxConnectionSize ?? 100 }),
    ...extra,
  ];
  if (!config.introspection) {
    plugins.push(
      { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) },
      // "Did you mean …?" would hand out the schema that introspection no longer does.
      blockFieldSuggestionsPlugin(),
    );
  }
  return plugins;
}

/** The compiled read path goes last: every check before execution has run by the time it answers. */
export function compiledReadPlugins(config: Config, metrics: Metrics): Plugin<Context>[] {
  if (!config.compiledReads) return [];
  const options = builder.options;
  return [
    useCompiledReads({
      limits: { defaultSize: options.prisma.defaultConnectionSize ?? 20, maxSize: options.prisma.maxConnectionSize ?? 100 },
      scopesFor: (ctx) => options.scopeAuth!.authScopes(ctx) as Record<string, boolean>,
      onResult: (path) => metrics.readPaths.inc({ path }),
      verify: config.compiledReadsVerify,
    }),
  ];
}
