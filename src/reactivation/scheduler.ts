import type { AppServices } from "../context.js";
import { sqlTimestamp } from "../shared/sql-time.js";
import { runSweep } from "./sweep.js";
import { startIntervalJob } from "../shared/interval-job.js";

const CHECK_EVERY_MS = 15 * 60_000;

/** Sweeps every organization whose last sweep is older than its `sweepEveryDays` (weekly by default). */
export async function sweepDueOrganizations(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const due = await services.prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Organization"
    WHERE COALESCE((settings->'reactivation'->>'lastSweepAt')::timestamptz AT TIME ZONE 'UTC', '-infinity'::timestamp)
          <= ${sqlTimestamp(now)}::timestamp - make_interval(days => COALESCE((settings->'reactivation'->>'sweepEveryDays')::int, 7))`;
  let created = 0;
  for (const { id } of due) created += (await runSweep(services.prisma, services.pubsub, id, now)).created.length;
  return created;
}

/** Runs in the API process; several instances are safe (per-organization advisory lock, one open entry per client). */
export function startReactivationScheduler(services: AppServices): () => void {
  return startIntervalJob("reactivation-sweep", CHECK_EVERY_MS, () => sweepDueOrganizations(services), services);
}
