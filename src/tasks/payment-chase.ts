import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { sqlTimestamp } from "../shared/sql-time.js";

/**
 * "An invoice is not a sale": a payment chase goes on until the order is paid or cancelled, one open chase
 * per invoice at a time (a partial unique index guarantees it). After a chase is settled, the next one is
 * scheduled from the chase's repeating rule:
 *  - DONE ("they promised to pay"): the next is due one interval after it was completed;
 *  - MISSED (still open when the next one came due): it rolls over into the next, due at that moment.
 * Paying or cancelling the order cancels the open chase (see cancelPaymentChases), which is told apart
 * from MISSED in the manager's discipline.
 */
export async function scheduleNextChases(tx: Prisma.TransactionClient, settledTaskIds: readonly string[]): Promise<number> {
  if (settledTaskIds.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "Task" (id, "organizationId", "assigneeId", "creatorId", "clientId", type, title, "dueAt", status, "ruleId", "orderId")
    SELECT gen_random_uuid(), t."organizationId", t."assigneeId", t."creatorId", t."clientId", t.type, t.title,
           CASE WHEN t.status = 'MISSED' THEN t."dueAt" ELSE t."completedAt" END + make_interval(mins => r."repeatEveryMinutes"),
           'OPEN', t."ruleId", t."orderId"
    FROM "Task" t
    JOIN "FollowUpRule" r ON r.id = t."ruleId" AND r."repeatEveryMinutes" IS NOT NULL AND r.active
    JOIN "Order" o ON o.id = t."orderId" AND o."paidAt" IS NULL AND o."cancelledAt" IS NULL
    WHERE t.id IN (${Prisma.join(settledTaskIds.map((id) => Prisma.sql`${id}::uuid`))})
      AND t.type = 'PAYMENT_CHASE' AND t.status IN ('DONE', 'MISSED')
    ON CONFLICT DO NOTHING`;
}

const BATCH = 500;

/**
 * Marks open chases MISSED once their next one comes due (dueAt + the rule's interval), and schedules that
 * next one. Loops so a server that was down for a week catches up chase by chase; each pass claims rows with
 * SKIP LOCKED, so several instances never roll the same chase twice.
 */
export async function rollOverMissedChases(prisma: PrismaClient, now: Date): Promise<number> {
  const at = sqlTimestamp(now);
  let total = 0;
  for (;;) {
    const rolled = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE "Task" t SET status = 'MISSED', "completedAt" = NULL, result = 'Not done before the next chase came due', version = t.version + 1
        WHERE t.id IN (
          SELECT c.id FROM "Task" c JOIN "FollowUpRule" r ON r.id = c."ruleId" AND r."repeatEveryMinutes" IS NOT NULL
          WHERE c.type = 'PAYMENT_CHASE' AND c.status = 'OPEN' AND c."orderId" IS NOT NULL
            AND c."dueAt" + make_interval(mins => r."repeatEveryMinutes") <= ${at}::timestamp
          ORDER BY c."dueAt" LIMIT ${BATCH}
          FOR UPDATE OF c SKIP LOCKED)
        RETURNING t.id`;
      await scheduleNextChases(tx, rows.map((r) => r.id));
      return rows.length;
    });
    total += rolled;
    if (rolled === 0) return total;
  }
}
