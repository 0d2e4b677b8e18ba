import { usePrometheus } from "@envelop/prometheus";
import type { Registry } from "prom-client";

/**
 * GraphQL phase timings, error counts and root-field resolver timings. Operation names and paths are not labels:
 * clients choose them, and unbounded label values would let any caller blow up the metrics store.
 */
export function useGraphqlMetrics(registry: Registry) {
  return usePrometheus({
    registry,
    skipIntrospection: true,
    resolversWhitelist: ["Query.*", "Mutation.*", "Subscription.*"],
    labels: { operationName: false, path: false },
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_phase_subscribe: true,
      graphql_envelop_error_result: true,
      graphql_envelop_execute_resolver: true,
    },
  });
}
