import { usePrometheus } from "@envelop/prometheus";
import type { Registry } from "prom-client";

/**
 * GraphQL phase timings and error counts (root-field timings: root-field-timing.ts). Operation names and paths are not labels:
 * clients choose them, and unbounded label values would let any caller blow up the metrics store.
 */
export function useGraphqlMetrics(registry: Registry) {
  return usePrometheus({
    registry,
    skipIntrospection: true,
    labels: { operationName: false, path: false },
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_phase_subscribe: true,
      graphql_envelop_error_result: true,
      // Off: it wraps every field of every response. Root fields are timed by root-field-timing.ts instead.
      graphql_envelop_execute_resolver: false,
    },
  });
}
