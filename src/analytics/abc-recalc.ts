import type { PrismaClient } from "../generated/prisma/client.js";
import { sqlTimestamp } from "../shared/sql-time.js";
import { monthsBefore } from "./period.js";
import { readAbcSettings } from "./settings.js";

/**
 * Recalculates ABC classes in one statement: revenue per client over the trailing window, ranked with a
 * running sum (window function), classified by the share ranked before each client (same rule as
 * classifyAbc), stored as a snapshot, and written to Client.abcClass where it changed.
 */
export async function recalculateAbc(prisma: PrismaClient, organizationId: string, now: Date): Promise<{ snapshotId: string; changed: number }> {
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { settings: true } });
  const settings = readAbcSettings(org.settings);
  const start = sqlTimestamp(monthsBefore(now, settings.windowMonths));
  const end = sqlTimestamp(now);
  const thresholds = JSON.stringify({ a: settings.a, b: settings.b, windowMonths: settings.windowMonths });
  const [row] = await prisma.$queryRaw<{ snapshotId: string; changed: number }[]>`
    WITH revenue AS (
      SELECT c.id, COALESCE(sum(o.amount), 0) AS revenue
      FROM "Client" c
      LEFT JOIN "Order" o ON o."clientId" = c.id AND o."cancelledAt" IS NULL
        AND o."paidAt" >= ${start}::timestamp AND o."paidAt" < ${end}::timestamp
      WHERE c."organizationId" = ${organizationId}::uuid
      GROUP BY c.id
    ), ranked AS (
      SELECT id, revenue,
             COALESCE(sum(revenue) OVER (ORDER BY revenue DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
             sum(revenue) OVER () AS total
      FROM revenue WHERE revenue > 0
    ), classified AS (
      SELECT id, revenue,
             CASE WHEN before / total < ${settings.a}::numeric THEN 'A'
                  WHEN before / total < ${settings.a}::numeric + ${settings.b}::numeric THEN 'B'
                  ELSE 'C' END AS class
      FROM ranked
    ), snapshot AS (
      INSERT INTO "AbcSnapshot" (id, "organizationId", "computedAt", "windowStart", "windowEnd", thresholds)
      VALUES (gen_random_uuid(), ${organizationId}::uuid, ${end}::timestamp, ${start}::timestamp, ${end}::timestamp, ${thresholds}::jsonb)
      RETURNING id
    ), entries AS (
      INSERT INTO "AbcSnapshotEntry" ("snapshotId", "clientId", class, revenue)
      SELECT snapshot.id, classified.id, classified.class, classified.revenue FROM classified CROSS JOIN snapshot
      RETURNING 1
    ), changed AS (
      UPDATE "Client" c SET "abcClass" = x.class
      FROM (SELECT r.id, cl.class FROM revenue r LEFT JOIN classified cl USING (id)) x
      WHERE c.id = x.id AND c."abcClass" IS DISTINCT FROM x.class
      RETURNING 1
    )
    SELECT (SELECT id FROM snapshot) AS "snapshotId", (SELECT count(*)::int FROM changed) AS changed, (SELECT count(*) FROM entries) AS entries`;
  return { snapshotId: row!.snapshotId, changed: row!.changed };
}
