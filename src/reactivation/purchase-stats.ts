import DataLoader from "dataloader";
import { Prisma } from "../generated/prisma/client.js";
import type { Context } from "../context.js";
import { readReactivationSettings } from "./settings.js";

export interface PurchaseStats {
  purchaseCount: number;
  lastPurchaseAt: Date | null;
  /** The client's own mean gap; null with fewer than 2 purchases. */
  meanGapDays: number | null;
}

interface OrgPolicy {
  averageDays: number | null;
  fixedPeriodDays: number | null;
}

// One loader per request context: a page of clients costs one statement for stats and one for the policy.
const statsLoaders = new WeakMap<object, DataLoader<string, PurchaseStats>>();
const policyCache = new WeakMap<object, Promise<OrgPolicy>>();

export function purchaseStatsOf(ctx: Context, clientId: string): Promise<PurchaseStats> {
  let loader = statsLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((ids) => loadStats(ctx, ids));
    statsLoaders.set(ctx, loader);
  }
  return loader.load(clientId);
}

async function loadStats(ctx: Context, ids: readonly string[]): Promise<PurchaseStats[]> {
  const rows = await ctx.prisma.$queryRaw<{ clientId: string; n: number; last_at: Date; mean_gap: number | null }[]>`
    SELECT "clientId", count(*)::int AS n, max(at) AS last_at,
           CASE WHEN count(*) > 1 THEN (extract(epoch FROM max(at) - min(at)) / 86400.0 / (count(*) - 1))::float8 END AS mean_gap
    FROM (
      SELECT "clientId", LEAST("paidAt", "shippedAt") AS at FROM "Order"
      WHERE "organizationId" = ${ctx.viewer!.organizationId}::uuid
        AND "clientId" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})
        AND "cancelledAt" IS NULL AND ("paidAt" IS NOT NULL OR "shippedAt" IS NOT NULL)
    ) p
    GROUP BY "clientId"`;
  const byId = new Map(rows.map((r) => [r.clientId, r]));
  return ids.map((id) => {
    const row = byId.get(id);
    return row
      ? { purchaseCount: row.n, lastPurchaseAt: new Date(row.last_at), meanGapDays: row.mean_gap === null ? null : Number(row.mean_gap) }
      : { purchaseCount: 0, lastPurchaseAt: null, meanGapDays: null };
  });
}

/** The organization's average interval (mean of clients' mean gaps) and its fixed period, once per request. */
export function organizationPolicy(ctx: Context): Promise<OrgPolicy> {
  let cached = policyCache.get(ctx);
  if (!cached) {
    cached = loadPolicy(ctx);
    policyCache.set(ctx, cached);
  }
  return cached;
}

async function loadPolicy(ctx: Context): Promise<OrgPolicy> {
  const organizationId = ctx.viewer!.organizationId;
  const [org, [avg]] = await Promise.all([
    ctx.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { settings: true } }),
    ctx.prisma.$queryRaw<{ avg: number | null }[]>`
      SELECT avg(mean_gap)::float8 AS avg FROM (
        SELECT extract(epoch FROM max(at) - min(at)) / 86400.0 / (count(*) - 1) AS mean_gap
        FROM (SELECT "clientId", LEAST("paidAt", "shippedAt") AS at FROM "Order"
              WHERE "organizationId" = ${organizationId}::uuid AND "cancelledAt" IS NULL
                AND ("paidAt" IS NOT NULL OR "shippedAt" IS NOT NULL)) p
        GROUP BY "clientId" HAVING count(*) > 1
      ) g`,
  ]);
  return { averageDays: avg?.avg == null ? null : Number(avg.avg), fixedPeriodDays: readReactivationSettings(org.settings).fixedPeriodDays };
}
