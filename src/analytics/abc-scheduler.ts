import type { AppServices } from "../context.js";
import { sqlTimestamp } from "../shared/sql-time.js";
import { recalculateAbc } from "./abc-recalc.js";
import { startIntervalJob } from "../shared/interval-job.js";

const CHECK_EVERY_MS = 60 * 60_000;
const RECALCULATE_EVERY_DAYS = 7;

/** Recalculates ABC for organizations whose latest snapshot is a week old (or missing), so class sizes form a history. */
export async function recalculateDueOrganizations(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const due = await services.prisma.$queryRaw<{ id: string }[]>`
    SELECT o.id FROM "Organization" o
    WHERE NOT EXISTS (
      SELECT 1 FROM "AbcSnapshot" s
      WHERE s."organizationId" = o.id AND s."computedAt" > ${sqlTimestamp(now)}::timestamp - make_interval(days => ${RECALCULATE_EVERY_DAYS}::int))`;
  for (const { id } of due) await recalculateAbc(services.prisma, id, now);
  return due.length;
}

export function startAbcScheduler(services: AppServices): () => void {
  return startIntervalJob("abc-recalculation", CHECK_EVERY_MS, () => recalculateDueOrganizations(services), services);
}
