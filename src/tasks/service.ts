import type { AuthedContext } from "../context.js";
import type { Prisma, TaskType } from "../generated/prisma/client.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../graphql/errors.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import { encodeId } from "../graphql/global-id.js";
import { isSupervisor } from "../shared/access.js";
import { scheduleNextChases } from "./payment-chase.js";
import { recordWebhookEvent, taskEventData } from "../webhooks/outbox.js";

export interface TaskInput {
  title: string;
  type: TaskType;
  dueAt: Date;
  assigneeId: string;
  clientId: string | null;
}

async function assertAssignable(ctx: AuthedContext, assigneeId: string) {
  if (assigneeId !== ctx.viewer.userId && !isSupervisor(ctx.viewer)) throw new ForbiddenError("Managers set tasks for themselves; heads of sales assign to others");
  const user = await ctx.prisma.user.findFirst({ where: { id: assigneeId, organizationId: ctx.viewer.organizationId, active: true } });
  if (!user) throw ValidationError.field("input.assigneeId", "is not an active user of your organization");
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed || trimmed.length > 300) throw ValidationError.field("input.title", "is required, at most 300 characters");
  return trimmed;
}

export async function createTask(ctx: AuthedContext, input: TaskInput) {
  await assertAssignable(ctx, input.assigneeId);
  if (input.clientId && !(await ctx.prisma.client.findFirst({ where: { id: input.clientId, organizationId: ctx.viewer.organizationId } }))) {
    throw new NotFoundError("Client", encodeId("Client", input.clientId));
  }
  return ctx.prisma.$transaction(async (tx) => {
    const task = await tx.task.create({
      data: { ...input, title: checkTitle(input.title), organizationId: ctx.viewer.organizationId, creatorId: ctx.viewer.userId },
    });
    await recordWebhookEvent(tx, { organizationId: task.organizationId, type: "task.created", record: { id: task.id, typename: "Task" }, at: ctx.clock.now(), data: taskEventData(task) });
    return task;
  });
}

/** Assignees, their supervisors, and the creator may change a task. */
async function loadEditable(ctx: AuthedContext, id: string) {
  const task = await ctx.prisma.task.findFirst({ where: { id, organizationId: ctx.viewer.organizationId } });
  if (!task) throw new NotFoundError("Task", encodeId("Task", id));
  const { userId } = ctx.viewer;
  if (!isSupervisor(ctx.viewer) && task.assigneeId !== userId && task.creatorId !== userId) throw new ForbiddenError("This task belongs to another manager");
  return task;
}

/** A task changes only while open and at the version the caller read. */
function writeTask(
  ctx: AuthedContext,
  id: string,
  expectedVersion: number,
  data: Prisma.TaskUncheckedUpdateManyInput,
  db: Prisma.TransactionClient = ctx.prisma,
) {
  return compareAndSet({
    entity: "Task", id, expectedVersion,
    write: () => db.task.updateMany({
      where: { id, organizationId: ctx.viewer.organizationId, version: expectedVersion, status: "OPEN" },
      data: { ...data, version: { increment: 1 } },
    }),
    reread: () => db.task.findFirst({ where: { id, organizationId: ctx.viewer.organizationId }, select: { version: true, status: true } }),
    otherwise: (task) => ValidationError.field("input.id", `the task is ${task.status.toLowerCase()}`),
  });
}

export async function updateTask(ctx: AuthedContext, id: string, expectedVersion: number, patch: { title?: string; dueAt?: Date; assigneeId?: string }) {
  await loadEditable(ctx, id);
  if (patch.assigneeId) await assertAssignable(ctx, patch.assigneeId);
  const data: Prisma.TaskUncheckedUpdateManyInput = {};
  if (patch.title !== undefined) data.title = checkTitle(patch.title);
  if (patch.assigneeId) data.assigneeId = patch.assigneeId;
  // A new due time is a new reminder: it fires (and may escalate) again.
  if (patch.dueAt) Object.assign(data, { dueAt: patch.dueAt, firedAt: null, escalatedAt: null });
  await writeTask(ctx, id, expectedVersion, data);
}

export async function finishTask(ctx: AuthedContext, id: string, expectedVersion: number, status: "DONE" | "CANCELLED", result: string | null) {
  await loadEditable(ctx, id);
  if (result && result.length > 5000) throw ValidationError.field("input.result", "must be at most 5000 characters");
  await ctx.prisma.$transaction(async (tx) => {
    await writeTask(ctx, id, expectedVersion, { status, result, completedAt: ctx.clock.now() }, tx);
    // "They promised to pay" does not end the chase: the next one is scheduled while the invoice is unpaid.
    if (status === "DONE") {
      await scheduleNextChases(tx, [id]);
      const task = await tx.task.findUniqueOrThrow({ where: { id } });
      await recordWebhookEvent(tx, { organizationId: task.organizationId, type: "task.completed", record: { id, typename: "Task" }, at: ctx.clock.now(), data: { ...taskEventData(task), result } });
    }
  });
}
