import { announceRevoked, revokeSessions } from "../auth/sessions.js";
import type { AuthedContext } from "../context.js";
import { publishChange } from "../clients/service.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";

export interface Deactivation {
  userId: string;
  reassignedClients: number;
  reassignedTasks: number;
}

/**
 * ADMIN takes a user out: they can no longer sign in, their sessions end and their sockets close at once, and in
 * the same transaction their clients, open tasks and open reactivation entries go to `reassignTo`. Someone who
 * still owns clients or open tasks needs a `reassignTo`, so no client is forgotten.
 */
export async function deactivateUser(ctx: AuthedContext, userId: string, reassignTo: string | null): Promise<Deactivation> {
  const { organizationId } = ctx.viewer;
  if (userId === ctx.viewer.userId) throw ValidationError.field("input.id", "you cannot deactivate yourself; ask another admin");
  const user = await ctx.prisma.user.findFirst({ where: { id: userId, organizationId } });
  if (!user) throw new NotFoundError("User", encodeId("User", userId));
  if (!user.active) throw ValidationError.field("input.id", "the user is already deactivated");
  if (reassignTo) {
    if (reassignTo === userId) throw ValidationError.field("input.reassignTo", "must be another user");
    const heir = await ctx.prisma.user.findFirst({ where: { id: reassignTo, organizationId, active: true } });
    if (!heir) throw ValidationError.field("input.reassignTo", "is not an active user of your organization");
  }
  const result = await ctx.prisma.$transaction(async (tx) => {
    const clients = await tx.client.findMany({ where: { organizationId, ownerId: userId }, select: { id: true } });
    const openTasks = await tx.task.count({ where: { organizationId, assigneeId: userId, status: "OPEN" } });
    if (!reassignTo && (clients.length > 0 || openTasks > 0)) {
      throw ValidationError.field("input.reassignTo", `is required: the user owns ${clients.length} clients and has ${openTasks} open tasks`);
    }
    await tx.user.update({ where: { id: userId }, data: { active: false } });
    if (reassignTo) {
      await tx.client.updateMany({ where: { organizationId, ownerId: userId }, data: { ownerId: reassignTo, version: { increment: 1 } } });
      await tx.task.updateMany({ where: { organizationId, assigneeId: userId, status: "OPEN" }, data: { assigneeId: reassignTo, version: { increment: 1 } } });
      await tx.reactivationEntry.updateMany({ where: { organizationId, assigneeId: userId, status: "OPEN" }, data: { assigneeId: reassignTo, version: { increment: 1 } } });
    }
    const sessionIds = await revokeSessions(tx, { userId }, "user deactivated");
    return { clientIds: clients.map((c) => c.id), openTasks, sessionIds };
  });
  announceRevoked(ctx.pubsub, { sessionIds: result.sessionIds, userIds: [userId] }, "user deactivated");
  for (const clientId of result.clientIds) publishChange(ctx, clientId, "REASSIGNED");
  return { userId, reassignedClients: result.clientIds.length, reassignedTasks: reassignTo ? result.openTasks : 0 };
}

/** ADMIN lets a deactivated user sign in again (with their old password; sessions do not come back). */
export async function reactivateUser(ctx: AuthedContext, userId: string): Promise<void> {
  const { count } = await ctx.prisma.user.updateMany({ where: { id: userId, organizationId: ctx.viewer.organizationId, active: false }, data: { active: true } });
  if (count === 0) {
    const exists = await ctx.prisma.user.findFirst({ where: { id: userId, organizationId: ctx.viewer.organizationId }, select: { id: true } });
    if (!exists) throw new NotFoundError("User", encodeId("User", userId));
    throw ValidationError.field("input.id", "the user is active");
  }
}
