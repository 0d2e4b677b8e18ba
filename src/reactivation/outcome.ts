import type { AuthedContext } from "../context.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../graphql/errors.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import { encodeId } from "../graphql/global-id.js";
import { isSupervisor } from "../shared/access.js";
import { recordWebhookEvent } from "../webhooks/outbox.js";

export interface OutcomeInput {
  outcome: "WON_BACK" | "LOST" | "NO_DECISION";
  reasonId: string | null;
  note: string;
  expectedVersion: number;
}

/** How the reactivation call is recorded on the timeline, in the activity outcomes' terms. */
const CALL_OUTCOME = { WON_BACK: "WILL_BUY_AGAIN", LOST: "CHURNED", NO_DECISION: "CALL_BACK" } as const;

/** Logs the call on the client's timeline and closes the entry (and its task) for a final outcome, atomically. */
export async function recordOutcome(ctx: AuthedContext, entryId: string, input: OutcomeInput) {
  const { viewer } = ctx;
  const entry = await ctx.prisma.reactivationEntry.findFirst({ where: { id: entryId, organizationId: viewer.organizationId } });
  if (!entry) throw new NotFoundError("ReactivationEntry", encodeId("ReactivationEntry", entryId));
  if (!isSupervisor(viewer) && entry.assigneeId !== viewer.userId) throw new ForbiddenError("This entry is assigned to another manager");
  if (entry.status !== "OPEN") throw ValidationError.field("input.entryId", "the entry is already closed");
  const note = input.note.trim();
  if (!note || note.length > 5000) throw ValidationError.field("input.note", "is required, at most 5000 characters");
  let churnReasonId: string | null = null;
  if (input.outcome !== "LOST" && input.reasonId) throw ValidationError.field("input.reasonId", "is only used when the client is lost");
  if (input.outcome === "LOST") {
    if (!input.reasonId) throw ValidationError.field("input.reasonId", "a churn reason is required when the client is lost");
    const reason = await ctx.prisma.reason.findFirst({ where: { id: input.reasonId, organizationId: viewer.organizationId, kind: "CHURN" } });
    if (!reason) throw ValidationError.field("input.reasonId", "is not a churn reason of your organization");
    churnReasonId = reason.id;
  }
  const now = ctx.clock.now();
  const closing = input.outcome !== "NO_DECISION";
  await ctx.prisma.$transaction(async (tx) => {
    await compareAndSet({
      entity: "ReactivationEntry", id: entryId, expectedVersion: input.expectedVersion,
      write: () => tx.reactivationEntry.updateMany({
        where: { id: entryId, organizationId: viewer.organizationId, version: input.expectedVersion, status: "OPEN" },
        data: closing
          ? { status: input.outcome as "WON_BACK" | "LOST", churnReasonId, note, closedAt: now, version: { increment: 1 } }
          : { note, version: { increment: 1 } },
      }),
      reread: () => tx.reactivationEntry.findFirst({ where: { id: entryId, organizationId: viewer.organizationId }, select: { version: true } }),
      otherwise: () => ValidationError.field("input.entryId", "the entry is already closed"),
    });
    await tx.activity.create({
      data: {
        organizationId: viewer.organizationId,
        clientId: entry.clientId,
        authorId: viewer.userId,
        type: "CALL",
        outcome: CALL_OUTCOME[input.outcome],
        body: note,
        occurredAt: now,
      },
    });
    if (closing) {
      await recordWebhookEvent(tx, {
        organizationId: viewer.organizationId, type: "reactivation.closed", record: { id: entryId, typename: "ReactivationEntry" }, at: now,
        data: { clientId: encodeId("Client", entry.clientId), status: input.outcome, churnReasonId: churnReasonId && encodeId("Reason", churnReasonId), note },
      });
    }
    if (closing && entry.taskId) {
      await tx.task.updateMany({ where: { id: entry.taskId, status: "OPEN" }, data: { status: "DONE", completedAt: now, result: note } });
    }
  });
}
