import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { sqlTimestamp } from "../shared/sql-time.js";
import type { Period } from "./period.js";

/** All aggregates run in SQL; money comes back as numeric text so it stays exact. */

export async function abcHistory(prisma: PrismaClient, organizationId: string, period: Period) {
  return prisma.$queryRaw<{ snapshotId: string; computedAt: Date; class: string; clients: number; revenue: string; share: string }[]>`
    SELECT s.id AS "snapshotId", s."computedAt", e.class, count(*)::int AS clients, sum(e.revenue)::text AS revenue,
           round(sum(e.revenue) / NULLIF(sum(sum(e.revenue)) OVER (PARTITION BY s.id), 0), 4)::text AS share
    FROM "AbcSnapshot" s JOIN "AbcSnapshotEntry" e ON e."snapshotId" = s.id
    WHERE s."organizationId" = ${organizationId}::uuid
      AND s."computedAt" >= ${sqlTimestamp(period.from)}::timestamp AND s."computedAt" < ${sqlTimestamp(period.to)}::timestamp
    GROUP BY s.id, s."computedAt", e.class
    ORDER BY s."computedAt", e.class`;
}

const ownerFilter = (ownerId: string | null) => (ownerId ? Prisma.sql`AND c."ownerId" = ${ownerId}::uuid` : Prisma.empty);

export async function clientsPerStage(prisma: PrismaClient, organizationId: string, at: Date | null, ownerId: string | null) {
  if (!at) {
    return prisma.$queryRaw<{ stageId: string; clients: number }[]>`
      SELECT s.id AS "stageId", count(c.id)::int AS clients
      FROM "Stage" s LEFT JOIN "Client" c ON c."stageId" = s.id ${ownerFilter(ownerId)}
      WHERE s."organizationId" = ${organizationId}::uuid
      GROUP BY s.id`;
  }
  return prisma.$queryRaw<{ stageId: string; clients: number }[]>`
    WITH last_move AS (
      SELECT DISTINCT ON (t."clientId") t."clientId", t."toStageId"
      FROM "StageTransition" t JOIN "Client" c ON c.id = t."clientId"
      WHERE t."organizationId" = ${organizationId}::uuid AND t."occurredAt" <= ${sqlTimestamp(at)}::timestamp ${ownerFilter(ownerId)}
      ORDER BY t."clientId", t."occurredAt" DESC, t.id DESC
    )
    SELECT s.id AS "stageId", count(l."clientId")::int AS clients
    FROM "Stage" s LEFT JOIN last_move l ON l."toStageId" = s.id
    WHERE s."organizationId" = ${organizationId}::uuid
    GROUP BY s.id`;
}

/** Per stage: clients that entered it in the period, how many later reached a further active or won stage, and time in stage. */
export async function stageFlow(prisma: PrismaClient, organizationId: string, period: Period, ownerId: string | null) {
  const from = sqlTimestamp(period.from);
  const to = sqlTimestamp(period.to);
  return prisma.$queryRaw<{ stageId: string; entered: number; advanced: number; medianHours: number | null; p90Hours: number | null; stays: number }[]>`
    WITH moves AS (
      SELECT t."clientId", t."toStageId" AS stage_id, t."occurredAt" AS entered_at, s.position,
             LEAD(t."occurredAt") OVER w AS left_at,
             -- The furthest active/won stage this client reaches after this move (before the period ends).
             max(CASE WHEN s.kind IN ('ACTIVE', 'WON') AND t."occurredAt" < ${to}::timestamp THEN s.position END)
               OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS furthest_after
      FROM "StageTransition" t
      JOIN "Stage" s ON s.id = t."toStageId"
      JOIN "Client" c ON c.id = t."clientId"
      WHERE t."organizationId" = ${organizationId}::uuid ${ownerFilter(ownerId)}
      WINDOW w AS (PARTITION BY t."clientId" ORDER BY t."occurredAt", t.id)
    ), entered AS (
      -- Per client and stage, the first entry in the period; later entries see a subset of its "after".
      SELECT "clientId", stage_id, bool_or(furthest_after > position) AS advanced
      FROM moves
      WHERE entered_at >= ${from}::timestamp AND entered_at < ${to}::timestamp
      GROUP BY "clientId", stage_id
    ), flow AS (
      SELECT stage_id, count(*)::int AS entered, count(*) FILTER (WHERE advanced)::int AS advanced
      FROM entered GROUP BY stage_id
    ), stays AS (
      SELECT stage_id,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)) / 3600 AS median_hours,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)) / 3600 AS p90_hours,
             count(*)::int AS stays
      FROM moves WHERE left_at >= ${from}::timestamp AND left_at < ${to}::timestamp
      GROUP BY stage_id
    )
    SELECT s.id AS "stageId", COALESCE(f.entered, 0) AS entered, COALESCE(f.advanced, 0) AS advanced,
           st.median_hours::float8 AS "medianHours", st.p90_hours::float8 AS "p90Hours", COALESCE(st.stays, 0) AS stays
    FROM "Stage" s LEFT JOIN flow f ON f.stage_id = s.id LEFT JOIN stays st ON st.stage_id = s.id
    WHERE s."organizationId" = ${organizationId}::uuid`;
}

export async function exitsByReason(prisma: PrismaClient, organizationId: string, period: Period, ownerId: string | null) {
  return prisma.$queryRaw<{ kind: string; reasonKey: string | null; reasonLabel: string | null; clients: number }[]>`
    SELECT s.kind::text AS kind, r.key AS "reasonKey", r.label AS "reasonLabel", count(*)::int AS clients
    FROM "StageTransition" t
    JOIN "Stage" s ON s.id = t."toStageId"
    JOIN "Client" c ON c.id = t."clientId"
    LEFT JOIN "Reason" r ON r.id = t."reasonId"
    WHERE t."organizationId" = ${organizationId}::uuid AND s.kind IN ('LOST', 'POSTPONED')
      AND t."occurredAt" >= ${sqlTimestamp(period.from)}::timestamp AND t."occurredAt" < ${sqlTimestamp(period.to)}::timestamp
      ${ownerFilter(ownerId)}
    GROUP BY s.kind, r.key, r.label
    ORDER BY s.kind, clients DESC, r.key`;
}

export async function invoiceLosses(prisma: PrismaClient, organizationId: string, period: Period, ownerId: string | null) {
  const [row] = await prisma.$queryRaw<{ invoiced: number; unpaid: number; unpaidAmount: string }[]>`
    SELECT count(*)::int AS invoiced,
           count(*) FILTER (WHERE o."paidAt" IS NULL)::int AS unpaid,
           COALESCE(sum(o.amount) FILTER (WHERE o."paidAt" IS NULL), 0)::text AS "unpaidAmount"
    FROM "Order" o JOIN "Client" c ON c.id = o."clientId"
    WHERE o."organizationId" = ${organizationId}::uuid
      AND o."invoicedAt" >= ${sqlTimestamp(period.from)}::timestamp AND o."invoicedAt" < ${sqlTimestamp(period.to)}::timestamp
      ${ownerFilter(ownerId)}`;
  return row!;
}

/**
 * Per channel: spend of the months that start inside the period (in the organization's time zone), leads
 * (clients created), inbound calls, buyers and revenue (orders paid in the period).
 */
export async function channelFigures(prisma: PrismaClient, organizationId: string, timezone: string, period: Period) {
  const from = sqlTimestamp(period.from);
  const to = sqlTimestamp(period.to);
  return prisma.$queryRaw<{ channelId: string; spend: string; leads: number; calls: number; buyers: number; revenue: string }[]>`
    WITH spend AS (
      SELECT cs."channelId", sum(cs.amount) AS amount FROM "ChannelSpend" cs
      WHERE cs."organizationId" = ${organizationId}::uuid
        AND (cs.month::timestamp AT TIME ZONE ${timezone}) AT TIME ZONE 'UTC' >= ${from}::timestamp
        AND (cs.month::timestamp AT TIME ZONE ${timezone}) AT TIME ZONE 'UTC' < ${to}::timestamp
      GROUP BY cs."channelId"
    ), leads AS (
      SELECT c."channelId", count(*) AS n FROM "Client" c
      WHERE c."organizationId" = ${organizationId}::uuid AND c."channelId" IS NOT NULL
        AND c."createdAt" >= ${from}::timestamp AND c."createdAt" < ${to}::timestamp
      GROUP BY c."channelId"
    ), calls AS (
      SELECT ic."channelId", count(*) AS n FROM "InboundCall" ic
      WHERE ic."organizationId" = ${organizationId}::uuid AND ic."channelId" IS NOT NULL
        AND ic."occurredAt" >= ${from}::timestamp AND ic."occurredAt" < ${to}::timestamp
      GROUP BY ic."channelId"
    ), sales AS (
      SELECT c."channelId", count(DISTINCT o."clientId") AS buyers, sum(o.amount) AS revenue
      FROM "Order" o JOIN "Client" c ON c.id = o."clientId"
      WHERE o."organizationId" = ${organizationId}::uuid AND o."cancelledAt" IS NULL AND c."channelId" IS NOT NULL
        AND o."paidAt" >= ${from}::timestamp AND o."paidAt" < ${to}::timestamp
      GROUP BY c."channelId"
    )
    SELECT ch.id AS "channelId", COALESCE(spend.amount, 0)::numeric(16, 2)::text AS spend, COALESCE(leads.n, 0)::int AS leads,
           COALESCE(calls.n, 0)::int AS calls, COALESCE(sales.buyers, 0)::int AS buyers, COALESCE(sales.revenue, 0)::numeric(16, 2)::text AS revenue
    FROM "Channel" ch
    LEFT JOIN spend ON spend."channelId" = ch.id
    LEFT JOIN leads ON leads."channelId" = ch.id
    LEFT JOIN calls ON calls."channelId" = ch.id
    LEFT JOIN sales ON sales."channelId" = ch.id
    WHERE ch."organizationId" = ${organizationId}::uuid
    ORDER BY ch.name`;
}

export async function managerDiscipline(prisma: PrismaClient, organizationId: string, period: Period, now: Date, userId: string | null) {
  const from = sqlTimestamp(period.from);
  const to = sqlTimestamp(period.to);
  const cutoff = sqlTimestamp(now < period.to ? now : period.to);
  return prisma.$queryRaw<{ userId: string; due: number; doneOnTime: number; doneLate: number; overdueOpen: number; missed: number; escalations: number }[]>`
    SELECT u.id AS "userId",
      count(t.id)::int AS due,
      count(t.id) FILTER (WHERE t.status = 'DONE' AND t."completedAt" <= t."dueAt")::int AS "doneOnTime",
      count(t.id) FILTER (WHERE t.status = 'DONE' AND t."completedAt" > t."dueAt")::int AS "doneLate",
      count(t.id) FILTER (WHERE t.status = 'OPEN' AND t."dueAt" < ${cutoff}::timestamp)::int AS "overdueOpen",
      count(t.id) FILTER (WHERE t.status = 'MISSED')::int AS missed,
      (SELECT count(*) FROM "Escalation" e WHERE e."managerId" = u.id
        AND e."createdAt" >= ${from}::timestamp AND e."createdAt" < ${to}::timestamp)::int AS escalations
    FROM "User" u
    LEFT JOIN "Task" t ON t."assigneeId" = u.id AND t."dueAt" >= ${from}::timestamp AND t."dueAt" < ${to}::timestamp
    WHERE u."organizationId" = ${organizationId}::uuid AND u.active
      ${userId ? Prisma.sql`AND u.id = ${userId}::uuid` : Prisma.sql`AND u.role IN ('MANAGER', 'HEAD_OF_SALES')`}
    GROUP BY u.id, u.name
    ORDER BY u.name`;
}

export async function reactivationOutcomes(prisma: PrismaClient, organizationId: string, period: Period, assigneeId: string | null) {
  const from = sqlTimestamp(period.from);
  const to = sqlTimestamp(period.to);
  const scope = assigneeId ? Prisma.sql`AND e."assigneeId" = ${assigneeId}::uuid` : Prisma.empty;
  const [totals] = await prisma.$queryRaw<{ opened: number; wonBack: number; lost: number; stillOpen: number }[]>`
    SELECT count(*)::int AS opened,
           count(*) FILTER (WHERE status = 'WON_BACK')::int AS "wonBack",
           count(*) FILTER (WHERE status = 'LOST')::int AS lost,
           count(*) FILTER (WHERE status = 'OPEN')::int AS "stillOpen"
    FROM "ReactivationEntry" e
    WHERE e."organizationId" = ${organizationId}::uuid AND e."openedAt" >= ${from}::timestamp AND e."openedAt" < ${to}::timestamp ${scope}`;
  const reasons = await prisma.$queryRaw<{ key: string; label: string; entries: number }[]>`
    SELECT r.key, r.label, count(*)::int AS entries
    FROM "ReactivationEntry" e JOIN "Reason" r ON r.id = e."churnReasonId"
    WHERE e."organizationId" = ${organizationId}::uuid AND e.status = 'LOST'
      AND e."openedAt" >= ${from}::timestamp AND e."openedAt" < ${to}::timestamp ${scope}
    GROUP BY r.key, r.label ORDER BY entries DESC, r.key`;
  return { ...totals!, reasons };
}
