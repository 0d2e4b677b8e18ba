// Benchmark: one reminder-scheduler tick on PostgreSQL with 1,000,000 future tasks and 1,000 due ones.
// Usage: npx tsx bench/reminder-tick.ts   (BENCH_DATABASE_URL to change the target; the database is recreated)
import { systemClock } from "../src/clock.js";
import { loadConfig } from "../src/config.js";
import { createCrmPubSub } from "../src/pubsub.js";
import { createMemoryRateLimiter } from "../src/limits/rate-limiter.js";
import { createLogger } from "../src/observability/logger.js";
import { createMetrics } from "../src/observability/metrics.js";
import { fireDueTasks } from "../src/tasks/scheduler.js";
import { sqlTimestamp } from "../src/shared/sql-time.js";
import { ms, seedScale } from "./scale-data.js";

const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_reminders";
const FUTURE = Number(process.env.BENCH_FUTURE_TASKS ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE_TASKS ?? 1_000);

let t = process.hrtime.bigint();
const { db, organizationId: org } = await seedScale(url, 10_000, 0);
await db.exec(`
  INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt", status)
  SELECT gen_random_uuid(), '${org}', c."ownerId", c.id, 'CALL', 'Future call', now() + make_interval(mins => (1 + g % 100000)::int), 'OPEN'
  FROM generate_series(0, ${FUTURE - 1}) g JOIN numbered n ON n.rn = g % 10000 JOIN "Client" c ON c.id = n.id;
  -- Also history: done and already-fired tasks, which the partial index leaves out.
  INSERT INTO "Task" (id, "organizationId", "assigneeId", type, title, "dueAt", status, "firedAt", "completedAt")
  SELECT gen_random_uuid(), '${org}', (SELECT id FROM "User" WHERE role = 'MANAGER' LIMIT 1), 'CALL', 'Old', now() - make_interval(days => (g % 365)::int), 'DONE', now(), now()
  FROM generate_series(1, 200000) g;
  INSERT INTO "Task" (id, "organizationId", "assigneeId", type, title, "dueAt", status)
  SELECT gen_random_uuid(), '${org}', (SELECT id FROM "User" WHERE role = 'MANAGER' ORDER BY id OFFSET (g % 20) LIMIT 1), 'CALL', 'Due now', now() - make_interval(secs => g), 'OPEN'
  FROM generate_series(1, ${DUE}) g;
`);
await db.exec("VACUUM ANALYZE");
console.log(`setup: ${FUTURE} future + ${DUE} due + 200000 done tasks in ${(ms(t) / 1000).toFixed(1)} s`);

const at = sqlTimestamp(new Date());
const plan = await db.withConnection(async (conn) => {
  await conn.exec("BEGIN");
  const rows = await conn.query<{ "QUERY PLAN": string }>(
    `EXPLAIN (ANALYZE, BUFFERS)
     UPDATE "Task" t SET "firedAt" = $1::timestamp
     WHERE t.id IN (SELECT id FROM "Task" WHERE status = 'OPEN' AND "firedAt" IS NULL AND "dueAt" <= $1::timestamp
                    ORDER BY "dueAt" LIMIT 500 FOR UPDATE SKIP LOCKED)
     RETURNING t.id`,
    [at],
  );
  await conn.exec("ROLLBACK");
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
});
console.log("Plan of one claim batch (500):\n" + plan);

const services = {
  prisma: db.prisma,
  sql: db,
  config: loadConfig({}),
  pubsub: createCrmPubSub(),
  clock: systemClock,
  rateLimiter: createMemoryRateLimiter(),
  log: createLogger("warn"),
  metrics: createMetrics(),
};
const before = db.statementCount();
t = process.hrtime.bigint();
const fired = await fireDueTasks(services);
console.log(`tick: fired ${fired.length} tasks in ${ms(t).toFixed(0)} ms with ${db.statementCount() - before} SQL statements`);
t = process.hrtime.bigint();
const again = await fireDueTasks(services);
console.log(`idle tick (nothing due): fired ${again.length} in ${ms(t).toFixed(1)} ms`);
await db.close();
