import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { CrmPubSub } from "../pubsub.js";
import { sqlTimestamp } from "../shared/sql-time.js";
import { readReactivationSettings, type ReactivationSettings } from "./settings.js";
import { encodeId } from "../graphql/global-id.js";
import { recordWebhookEvents } from "../webhooks/outbox.js";

export interface SweepResult {
  created: { entryId: string; clientId: string; assigneeId: string }[];
}

/**
 * One organization's sweep, set-based: a single statement finds every client whose time since the last
 * purchase exceeds its expected interval × factor, that has no open entry and was not written off as LOST
 * within the cool-down (settings.relistLostAfterDays) without buying since, creates a reactivation-call
 * task for each and the entry pointing to it. An advisory lock per organization serialises concurrent
 * sweeps (several instances, or a manual run during the scheduled one); the partial unique index on open
 * entries is the last line of defence.
 */
export async function runSweep(prisma: PrismaClient, pubsub: CrmPubSub, organizationId: string, now: Date): Promise<SweepResult> {
  const organization = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const settings = readReactivationSettings(organization.settings);
  const fallback = await prisma.user.findFirst({
    where: { organizationId, active: true, role: { in: ["HEAD_OF_SALES", "ADMIN"] } },
    orderBy: [{ role: "desc" }, { createdAt: "asc" }],
    select: { id: true },
  });
  const dedicated = settings.assignTo === "DEDICATED_MANAGER" ? settings.dedicatedManagerId : null;
  const at = sqlTimestamp(now);
  const created = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`reactivation:${organizationId}`}))`;
    const rows = await tx.$queryRaw<{ entryId: string; clientId: string; assigneeId: string }[]>(
      sweepStatement({ organizationId, at, settings, dedicated, fallbackId: fallback?.id ?? null }),
    );
    await recordWebhookEvents(tx, rows.map((row) => ({
      organizationId, type: "reactivation.added" as const, record: { id: row.entryId, typename: "ReactivationEntry" }, at: now,
      data: { clientId: encodeId("Client", row.clientId), assigneeId: row.assigneeId && encodeId("User", row.assigneeId) },
    })));
    // Patched in SQL, not read-modify-write, so a concurrent settings change is never lost.
    await tx.$executeRaw`
      UPDATE "Organization"
      SET settings = settings || jsonb_build_object('reactivation',
        COALESCE(settings->'reactivation', '{}'::jsonb) || jsonb_build_object('lastSweepAt', ${now.toISOString()}::text))
      WHERE id = ${organizationId}::uuid`;
    return rows;
  }, { timeout: 300_000, maxWait: 30_000 }); // one statement, but over a whole client base it can take seconds
  for (const entry of created) pubsub.publish("reactivation:added", organizationId, { entryId: entry.entryId, assigneeId: entry.assigneeId });
  return { created };
}

interface SweepParams {
  organizationId: string;
  /** UTC timestamp string, see sqlTimestamp. */
  at: string;
  settings: ReactivationSettings;
  dedicated: string | null;
  fallbackId: string | null;
}

/**
 * The whole sweep as one statement. A client's mean gap between consecutive purchases is
 * (last − first) / (n − 1): the consecutive gaps telescope, so no per-row window is needed.
 * Exported so the benchmark can EXPLAIN exactly what runs.
 */
export function sweepStatement(p: SweepParams): Prisma.Sql {
  return Prisma.sql`
      WITH purchases AS (
        SELECT o."clientId", LEAST(o."paidAt", o."shippedAt") AS at
        FROM "Order" o
        WHERE o."organizationId" = ${p.organizationId}::uuid AND o."cancelledAt" IS NULL
          AND (o."paidAt" IS NOT NULL OR o."shippedAt" IS NOT NULL)
          AND LEAST(o."paidAt", o."shippedAt") <= ${p.at}::timestamp
      ), per_client AS (
        SELECT "clientId", max(at) AS last_at,
               CASE WHEN count(*) > 1 THEN extract(epoch FROM max(at) - min(at)) / 86400.0 / (count(*) - 1) END AS mean_gap
        FROM purchases GROUP BY "clientId"
      ), org_avg AS (
        SELECT avg(mean_gap) AS avg_gap FROM per_client
      ), due AS (
        SELECT pc."clientId", pc.last_at, c.name,
               COALESCE(${p.settings.fixedPeriodDays}::float8, pc.mean_gap, org_avg.avg_gap) AS expected,
               COALESCE(${p.dedicated}::uuid, c."ownerId", ${p.settings.dedicatedManagerId}::uuid, ${p.fallbackId}::uuid) AS assignee
        FROM per_client pc
        CROSS JOIN org_avg
        JOIN "Client" c ON c.id = pc."clientId"
        WHERE extract(epoch FROM ${p.at}::timestamp - pc.last_at) / 86400.0
              > COALESCE(${p.settings.fixedPeriodDays}::float8, pc.mean_gap, org_avg.avg_gap) * ${p.settings.factor}::float8
          AND NOT EXISTS (SELECT 1 FROM "ReactivationEntry" r WHERE r."clientId" = pc."clientId" AND r.status = 'OPEN')
          -- A client written off as LOST rests for the cool-down, unless it bought after being written off.
          AND NOT EXISTS (
            SELECT 1 FROM "ReactivationEntry" r
            WHERE r."clientId" = pc."clientId" AND r.status = 'LOST' AND r."closedAt" >= pc.last_at
              AND r."closedAt" > ${p.at}::timestamp - make_interval(days => ${p.settings.relistLostAfterDays}::int))
      ), new_tasks AS (
        INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt", status, "createdAt")
        SELECT gen_random_uuid(), ${p.organizationId}::uuid, d.assignee, d."clientId", 'REACTIVATION_CALL',
               'Reactivation call: ' || d.name, ${p.at}::timestamp, 'OPEN', ${p.at}::timestamp
        FROM due d WHERE d.assignee IS NOT NULL
        RETURNING id, "clientId", "assigneeId"
      )
      INSERT INTO "ReactivationEntry"
        (id, "organizationId", "clientId", "assigneeId", "taskId", status, "lastPurchaseAt", "expectedIntervalDays", "openedAt")
      SELECT gen_random_uuid(), ${p.organizationId}::uuid, d."clientId", t."assigneeId", t.id, 'OPEN', d.last_at,
             round(d.expected::numeric, 2), ${p.at}::timestamp
      FROM due d JOIN new_tasks t ON t."clientId" = d."clientId"
      RETURNING id AS "entryId", "clientId", "assigneeId"`;
}
