// Benchmark: the reactivation sweep on PostgreSQL with 100,000 clients and 1,000,000 orders.
// Usage: npx tsx bench/reactivation-sweep.ts   (BENCH_DATABASE_URL to change the target; the database is recreated)
import { createCrmPubSub } from "../src/pubsub.js";
import { runSweep, sweepStatement } from "../src/reactivation/sweep.js";
import { readReactivationSettings } from "../src/reactivation/settings.js";
import { sqlTimestamp } from "../src/shared/sql-time.js";
import { ms, seedScale } from "./scale-data.js";

const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_reactivation";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
let t = process.hrtime.bigint();
const { db, organizationId: org } = await seedScale(url, CLIENTS, ORDERS);
await db.exec(`VACUUM ANALYZE`);
console.log(`setup: ${CLIENTS} clients, ${ORDERS} orders in ${(ms(t) / 1000).toFixed(1)} s`);

const now = new Date();
const settings = readReactivationSettings({});
const head = await db.prisma.user.findFirstOrThrow({ where: { role: "HEAD_OF_SALES" } });
const statement = sweepStatement({ organizationId: org, at: sqlTimestamp(now), settings, dedicated: null, fallbackId: head.id });

// The plan of exactly the statement the sweep runs, executed inside a transaction that is rolled back.
const plan = await db.withConnection(async (conn) => {
  await conn.exec("BEGIN");
  const rows = await conn.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
  await conn.exec("ROLLBACK");
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
});
console.log(plan);

const pubsub = createCrmPubSub();
for (const label of ["first sweep", "second sweep (idempotent)"]) {
  const before = db.statementCount();
  t = process.hrtime.bigint();
  const { created } = await runSweep(db.prisma, pubsub, org, now);
  console.log(`${label}: ${ms(t).toFixed(0)} ms, ${created.length} entries created, ${db.statementCount() - before} SQL statements`);
}
const [{ count }] = (await db.query<{ count: string }>(`SELECT count(*) FROM "ReactivationEntry" WHERE status = 'OPEN'`)) as [{ count: string }];
console.log(`open entries: ${count}`);
await db.close();
