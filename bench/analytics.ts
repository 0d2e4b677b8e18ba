// Benchmark: every analytics query on PostgreSQL with 100,000 clients and 1,000,000 orders
// (plus 10 channels, ~300k stage transitions, 500k tasks, 100k inbound calls, 20k reactivation entries).
// Usage: npx tsx bench/analytics.ts   (BENCH_DATABASE_URL to change the target; the database is recreated)
import { recalculateAbc } from "../src/analytics/abc-recalc.js";
import * as q from "../src/analytics/queries.js";
import { ms, seedScale } from "./scale-data.js";

const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_analytics";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const RUNS = 5;

let t = process.hrtime.bigint();
const { db, organizationId: org } = await seedScale(url, CLIENTS, ORDERS);
await db.exec(`
  INSERT INTO "Channel" (id, "organizationId", name, "trackingPhone")
  SELECT gen_random_uuid(), '${org}', 'Channel ' || g, '+7495000' || lpad(g::text, 4, '0') FROM generate_series(1, 10) g;
  CREATE TEMP TABLE ch AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM "Channel";
  UPDATE "Client" c SET "channelId" = ch.id, "createdAt" = now() - make_interval(days => (n.rn % 365)::int)
    FROM numbered n, ch WHERE n.id = c.id AND ch.rn = n.rn % 10;
  INSERT INTO "ChannelSpend" (id, "organizationId", "channelId", month, amount)
  SELECT gen_random_uuid(), '${org}', ch.id, date_trunc('month', now() - make_interval(months => m))::date, 90000
  FROM ch, generate_series(0, 11) m;
  INSERT INTO "InboundCall" (id, "organizationId", "channelId", "occurredAt")
  SELECT gen_random_uuid(), '${org}', ch.id, now() - make_interval(hours => g % 8760) FROM generate_series(0, 99999) g JOIN ch ON ch.rn = g % 10;
  -- Three moves per client through the first stages, hours to weeks apart; every 10th client lost with a reason.
  CREATE TEMP TABLE st AS SELECT id, position, kind FROM "Stage" WHERE "organizationId" = '${org}';
  INSERT INTO "StageTransition" (id, "organizationId", "clientId", "fromStageId", "toStageId", "occurredAt", "reasonId")
  SELECT gen_random_uuid(), '${org}', n.id, NULL, s.id,
         now() - make_interval(days => (n.rn % 300)::int) + make_interval(hours => (k * (n.rn % 97 + 1))::int),
         CASE WHEN s.kind = 'LOST' THEN (SELECT id FROM "Reason" WHERE kind = 'LOST' LIMIT 1) END
  FROM numbered n CROSS JOIN generate_series(0, 2) k
  JOIN st s ON s.position = CASE WHEN k = 2 AND n.rn % 10 = 0 THEN 7 ELSE k END;
  UPDATE "Client" c SET "stageId" = s.id FROM numbered n, st s WHERE n.id = c.id AND s.position = CASE WHEN n.rn % 10 = 0 THEN 7 ELSE 2 END;
  INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt", status, "completedAt")
  SELECT gen_random_uuid(), '${org}', c."ownerId", c.id, 'CALL', 'Call', now() - make_interval(hours => (g % 8760)::int),
         CASE WHEN g % 7 = 0 THEN 'OPEN'::"TaskStatus" ELSE 'DONE'::"TaskStatus" END,
         CASE WHEN g % 7 = 0 THEN NULL ELSE now() - make_interval(hours => (g % 8760 - (g % 5) + 2)::int) END
  FROM generate_series(0, 499999) g JOIN numbered n ON n.rn = g % ${CLIENTS} JOIN "Client" c ON c.id = n.id;
  INSERT INTO "ReactivationEntry" (id, "organizationId", "clientId", "assigneeId", status, "lastPurchaseAt", "expectedIntervalDays", "openedAt", "churnReasonId")
  SELECT gen_random_uuid(), '${org}', c.id, c."ownerId",
         (ARRAY['OPEN', 'WON_BACK', 'LOST'])[1 + n.rn % 3]::"ReactivationStatus", now() - interval '90 days', 30,
         now() - make_interval(days => (n.rn % 180)::int),
         CASE WHEN n.rn % 3 = 2 THEN (SELECT id FROM "Reason" WHERE kind = 'CHURN' ORDER BY key OFFSET (n.rn % 6) LIMIT 1) END
  FROM numbered n JOIN "Client" c ON c.id = n.id WHERE n.rn % 5 = 0;
`);
await db.exec(`VACUUM ANALYZE`);
console.log(`setup in ${(ms(t) / 1000).toFixed(1)} s`);

const prisma = db.prisma;
const now = new Date();
const year = { from: new Date(now.getTime() - 365 * 86_400_000), to: new Date(now.getTime() + 60_000) }; // includes the snapshots taken at `now`
const quarter = { from: new Date(now.getTime() - 91 * 86_400_000), to: now };
const manager = await prisma.user.findFirstOrThrow({ where: { role: "MANAGER" }, orderBy: { id: "asc" } });

const cases: [string, () => Promise<unknown>][] = [
  ["recalculateAbc (every client: snapshot + class update)", () => recalculateAbc(prisma, org, now)],
  ["abcHistory (year)", () => q.abcHistory(prisma, org, year)],
  ["clientsPerStage now", () => q.clientsPerStage(prisma, org, null, null)],
  ["clientsPerStage at a date", () => q.clientsPerStage(prisma, org, quarter.from, null)],
  ["stageFlow (conversion + median/p90), quarter", () => q.stageFlow(prisma, org, quarter, null)],
  ["stageFlow, one manager's clients", () => q.stageFlow(prisma, org, quarter, manager.id)],
  ["exitsByReason, year", () => q.exitsByReason(prisma, org, year, null)],
  ["invoiceLosses, year", () => q.invoiceLosses(prisma, org, year, null)],
  ["channelFigures (10 channels), year", () => q.channelFigures(prisma, org, "Europe/Moscow", year)],
  ["managerDiscipline (20 managers), quarter", () => q.managerDiscipline(prisma, org, quarter, now, null)],
  ["reactivationOutcomes, year", () => q.reactivationOutcomes(prisma, org, year, null)],
];

console.log("| query | median ms | min ms | max ms |");
console.log("|---|---|---|---|");
for (const [label, run] of cases) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = process.hrtime.bigint();
    await run();
    times.push(ms(t));
  }
  times.sort((a, b) => a - b);
  console.log(`| ${label} | ${times[Math.floor(RUNS / 2)]!.toFixed(0)} | ${times[0]!.toFixed(0)} | ${times[RUNS - 1]!.toFixed(0)} |`);
}
await db.close();
