import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * One registry per app instance (tests run several in one process). GraphQL phase and resolver metrics come
 * from @envelop/prometheus on the same registry (see graphql-metrics.ts); these are the ones it does not know.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request duration by route",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    wsConnections: new Gauge({ name: "ws_connections", help: "Open graphql-ws sockets", registers }),
    activeSubscriptions: new Gauge({ name: "graphql_active_subscriptions", help: "Live GraphQL subscriptions", registers }),
    rateLimited: new Counter({
      name: "rate_limited_total",
      help: "Operations refused by a rate limit, by bucket",
      labelNames: ["bucket"] as const,
      registers,
    }),
    schedulerRuns: new Counter({
      name: "scheduler_runs_total",
      help: "Background job runs by job and outcome",
      labelNames: ["job", "outcome"] as const,
      registers,
    }),
    schedulerDuration: new Histogram({
      name: "scheduler_run_duration_seconds",
      help: "Background job run duration",
      labelNames: ["job"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers,
    }),
    reminderLag: new Histogram({
      name: "reminder_fire_lag_seconds",
      help: "How late a reminder fired after its due time (scheduler lag, including downtime)",
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    }),
    rootFieldDuration: new Histogram({
      name: "graphql_root_field_duration_seconds",
      help: "Time in each Query and Mutation root field resolver (operations answered by the compiled read path run none)",
      labelNames: ["field"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    readPaths: new Counter({
      name: "graphql_read_path_total",
      help: "Executed operations by path: compiled to one SQL statement, or Pothos field by field",
      labelNames: ["path"] as const,
      registers,
    }),
    remindersFired: new Counter({ name: "reminders_fired_total", help: "Reminders fired by this instance", registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
