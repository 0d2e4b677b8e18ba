import type { Prisma } from "../generated/prisma/client.js";
import { encodeId } from "../graphql/global-id.js";
import { recordWebhookEvents } from "../webhooks/outbox.js";

/**
 * A new purchase means the client is back: its open reactivation entry closes as won back, and the call task
 * with it. Only a purchase dated after the entry opened counts: a payment recorded today for a purchase made
 * months ago is history, not a win-back (and would close the entry before it was opened).
 */
export async function closeEntriesOnPurchase(tx: Prisma.TransactionClient, organizationId: string, clientId: string, at: Date) {
  const open = await tx.reactivationEntry.findMany({
    where: { organizationId, clientId, status: "OPEN", openedAt: { lt: at } },
    select: { id: true, taskId: true, clientId: true },
  });
  if (open.length === 0) return;
  await tx.reactivationEntry.updateMany({
    where: { id: { in: open.map((e) => e.id) } },
    data: { status: "WON_BACK", closedAt: at, note: "Closed automatically: a new purchase", version: { increment: 1 } },
  });
  await recordWebhookEvents(tx, open.map((entry) => ({
    organizationId, type: "reactivation.closed" as const, record: { id: entry.id, typename: "ReactivationEntry" }, at,
    data: { clientId: encodeId("Client", entry.clientId), status: "WON_BACK", churnReasonId: null, note: "Closed automatically: a new purchase" },
  })));
  const taskIds = open.map((e) => e.taskId).filter((t): t is string => t !== null);
  if (taskIds.length) {
    await tx.task.updateMany({
      where: { id: { in: taskIds }, status: "OPEN" },
      data: { status: "DONE", completedAt: at, result: "Client purchased again" },
    });
  }
}
