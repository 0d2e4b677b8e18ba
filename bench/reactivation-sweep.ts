// Benchmark: the reactivation sweep on PostgreSQL with 100,000 clients and 1,000,000 orders.
// Usage: npx tsx bench/reactivation-sweep.ts   (BENCH_DATABASE_URL to change the target; the database is recreated)
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrate.js";
import { provisionOrganization } from "../src/organizations/provision.js";
import { createCrmPubSub } from "../src/pubsub.js";
import { runSweep, sweepStatement } from "../src/reactivation/sweep.js";
import { readReactivationSettings } from "../src/reactivation/settings.js";
import { sqlTimestamp } from "../src/shared/sql-time.js";

const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_reactivation";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const MANAGERS = 20;

async function recreateDatabase() {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!name.startsWith("crm_bench")) throw new Error("refusing to recreate a database whose name does not start with crm_bench");
  target.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

await recreateDatabase();
const db = await openDatabase(url);
await applyMigrations(db);
const { organization } = await db.prisma.$transaction((tx) => provisionOrganization(tx, { name: "Bench" }));
const org = organization.id;

let t = process.hrtime.bigint();
await db.exec(`
  INSERT INTO "User" (id, "organizationId", email, name, role)
  SELECT gen_random_uuid(), '${org}', 'm' || g || '@bench.test', 'Manager ' || g, CASE WHEN g = 0 THEN 'HEAD_OF_SALES'::"Role" ELSE 'MANAGER'::"Role" END
  FROM generate_series(0, ${MANAGERS}) g;
  CREATE TEMP TABLE managers AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM "User" WHERE role = 'MANAGER';
  INSERT INTO "Client" (id, "organizationId", name, "ownerId", "updatedAt")
  SELECT gen_random_uuid(), '${org}', 'Client ' || g, m.id, now()
  FROM generate_series(0, ${CLIENTS - 1}) g JOIN managers m ON m.rn = g % ${MANAGERS};
  CREATE TEMP TABLE numbered AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM "Client";
  CREATE INDEX ON numbered (rn);
  -- Order k of client rn is paid k × gap days before the client's last purchase; gaps 10..69 days, last purchase 0..199 days ago.
  INSERT INTO "Order" (id, "organizationId", "clientId", amount, "invoicedAt", "paidAt", "cancelledAt")
  SELECT gen_random_uuid(), '${org}', n.id, (1000 + (g % 9000))::numeric(14, 2),
         now() - make_interval(days => ((g / ${CLIENTS}) * (10 + n.rn % 60) + n.rn % 200 + 2)::int),
         now() - make_interval(days => ((g / ${CLIENTS}) * (10 + n.rn % 60) + n.rn % 200)::int),
         CASE WHEN g % 20 = 0 THEN now() ELSE NULL END
  FROM generate_series(0, ${ORDERS - 1}) g JOIN numbered n ON n.rn = g % ${CLIENTS};
`);
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
