import type { ActivityType, Prisma } from "../generated/prisma/client.js";
import { followUpDueAt } from "./followups.js";

export interface FollowUpEvent {
  organizationId: string;
  trigger: "ACTIVITY_LOGGED" | "STAGE_ENTERED" | "ORDER_INVOICED";
  clientId: string;
  at: Date;
  /** Who caused the event; gets the task when the client has no owner. */
  actorId: string;
  activityType?: ActivityType;
  stageId?: string;
  orderId?: string;
}

/** Creates the tasks the organization's active rules ask for, inside the caller's transaction. */
export async function createFollowUps(tx: Prisma.TransactionClient, event: FollowUpEvent): Promise<string[]> {
  const rules = await tx.followUpRule.findMany({
    where: {
      organizationId: event.organizationId,
      trigger: event.trigger,
      active: true,
      ...(event.trigger === "ACTIVITY_LOGGED" ? { activityType: event.activityType } : {}),
      ...(event.trigger === "STAGE_ENTERED" ? { stageId: event.stageId } : {}),
    },
  });
  if (rules.length === 0) return [];
  const client = await tx.client.findUniqueOrThrow({ where: { id: event.clientId }, select: { ownerId: true, name: true } });
  const created = await tx.task.createManyAndReturn({
    data: rules.map((rule) => ({
      organizationId: event.organizationId,
      assigneeId: client.ownerId ?? event.actorId,
      creatorId: event.actorId,
      clientId: event.clientId,
      type: rule.taskType,
      title: `${rule.taskTitle}: ${client.name}`,
      dueAt: followUpDueAt(event.at, rule.delayMinutes),
      ruleId: rule.id,
      orderId: event.orderId ?? null,
    })),
    select: { id: true },
  });
  return created.map((t) => t.id);
}

/** A paid or cancelled order needs no more chasing. */
export async function cancelPaymentChases(tx: Prisma.TransactionClient, orderId: string, at: Date, why: string) {
  await tx.task.updateMany({
    where: { orderId, type: "PAYMENT_CHASE", status: "OPEN" },
    data: { status: "CANCELLED", completedAt: at, result: why, version: { increment: 1 } },
  });
}
