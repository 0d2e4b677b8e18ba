import type { AppServices } from "../context.js";
import { sqlTimestamp } from "../shared/sql-time.js";
import { startIntervalJob } from "../shared/interval-job.js";
import { DEFAULT_ESCALATION_AFTER_MINUTES } from "./followups.js";
import { rollOverMissedChases } from "./payment-chase.js";
import { encodeId } from "../graphql/global-id.js";
import { recordWebhookEvents, taskEventData } from "../webhooks/outbox.js";

const BATCH = 500;

export interface FiredTask {
  taskId: string;
  organizationId: string;
  assigneeId: string;
  dueAt: Date;
  firedAt: Date;
}

/**
 * Fires due reminders: claims open, unfired tasks whose due time has come through the partial index
 * "Task_due_unfired_idx" (never a scan of all tasks), marks them fired in the same statement, and
 * publishes after commit. `FOR UPDATE SKIP LOCKED` lets several instances tick at once: each task is
 * claimed by exactly one. Chases that were missed roll over into their next one first (payment-chase.ts),
 * so the next chase fires in the same tick.
 */
export async function fireDueTasks(services: AppServices): Promise<FiredTask[]> {
  await rollOverMissedChases(services.prisma, services.clock.now());
  const at = sqlTimestamp(services.clock.now());
  const fired: FiredTask[] = [];
  for (;;) {
    // The reminders and their webhook events (task.due) commit together.
    const batch = await services.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<(FiredTask & { title: string; type: string; clientId: string | null })[]>`
        UPDATE "Task" t SET "firedAt" = ${at}::timestamp
        WHERE t.id IN (
          SELECT id FROM "Task"
          WHERE status = 'OPEN' AND "firedAt" IS NULL AND "dueAt" <= ${at}::timestamp
          ORDER BY "dueAt"
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
        RETURNING t.id AS "taskId", t."organizationId", t."assigneeId", t."dueAt", t."firedAt", t.title, t.type::text AS type, t."clientId"`;
      await recordWebhookEvents(tx, rows.map((row) => ({
        organizationId: row.organizationId, type: "task.due" as const, record: { id: row.taskId, typename: "Task" }, at: services.clock.now(),
        data: taskEventData({ ...row, status: "OPEN", dueAt: new Date(row.dueAt) }),
      })));
      return rows.map(({ taskId, organizationId, assigneeId, dueAt, firedAt }) => ({ taskId, organizationId, assigneeId, dueAt, firedAt }));
    });
    for (const row of batch) {
      const event = { taskId: row.taskId, assigneeId: row.assigneeId, firedAt: new Date(row.firedAt).toISOString() };
      services.pubsub.publish("reminder:due", row.organizationId, event); // team watchers
      services.pubsub.publish("reminder:due:assignee", `${row.organizationId}:${row.assigneeId}`, event);
    }
    fired.push(...batch);
    if (batch.length < BATCH) return fired;
  }
}

/**
 * Escalates tasks overdue longer than their organization's `escalationAfterMinutes`: one Escalation row per
 * task (unique), recorded and published once, even with several instances.
 */
export async function escalateOverdueTasks(services: AppServices): Promise<number> {
  const at = sqlTimestamp(services.clock.now());
  const rows = await services.prisma.$transaction(async (tx) => {
    const escalated = await tx.$queryRaw<{ escalationId: string; taskId: string; managerId: string; organizationId: string }[]>`
    WITH claimed AS (
      UPDATE "Task" t SET "escalatedAt" = ${at}::timestamp
      FROM "Organization" o
      WHERE t."organizationId" = o.id AND t.id IN (
        SELECT t2.id FROM "Task" t2 JOIN "Organization" o2 ON o2.id = t2."organizationId"
        WHERE t2.status = 'OPEN' AND t2."escalatedAt" IS NULL
          AND t2."dueAt" <= ${at}::timestamp - make_interval(mins => COALESCE((o2.settings->'reminders'->>'escalationAfterMinutes')::int, ${DEFAULT_ESCALATION_AFTER_MINUTES}::int))
        ORDER BY t2."dueAt" LIMIT ${BATCH}
        FOR UPDATE OF t2 SKIP LOCKED)
      RETURNING t.id, t."organizationId", t."assigneeId"
    )
    INSERT INTO "Escalation" (id, "organizationId", "taskId", "managerId", "createdAt")
    SELECT gen_random_uuid(), c."organizationId", c.id, c."assigneeId", ${at}::timestamp FROM claimed c
    ON CONFLICT ("taskId") DO NOTHING
    RETURNING id AS "escalationId", "taskId", "managerId", "organizationId"`;
    await recordWebhookEvents(tx, escalated.map((row) => ({
      organizationId: row.organizationId, type: "task.escalated" as const, record: { id: row.taskId, typename: "Task" }, at: services.clock.now(),
      data: { escalationId: encodeId("Escalation", row.escalationId), managerId: encodeId("User", row.managerId) },
    })));
    return escalated;
  });
  for (const row of rows) {
    services.pubsub.publish("task:escalated", row.organizationId, { escalationId: row.escalationId, taskId: row.taskId, managerId: row.managerId });
  }
  return rows.length;
}

/** The in-process timer. Its first tick runs on start: tasks that came due while the server was down fire then. */
export function startReminderScheduler(services: AppServices, intervalMs: number): () => void {
  return startIntervalJob(
    "reminders",
    intervalMs,
    async () => {
      const fired = await fireDueTasks(services);
      services.metrics.remindersFired.inc(fired.length);
      for (const task of fired) {
        services.metrics.reminderLag.observe(Math.max(0, new Date(task.firedAt).getTime() - new Date(task.dueAt).getTime()) / 1000);
      }
      await escalateOverdueTasks(services);
    },
    services,
  );
}
