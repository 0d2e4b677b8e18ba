import { GraphQLError } from "graphql";
import { authed, type Context } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { encodeId } from "../graphql/global-id.js";
import { isSupervisor } from "../shared/access.js";
import { catchUpThenLive } from "../shared/catch-up.js";
import { optionalIdOf } from "../shared/ids.js";
import { selection } from "../shared/selection.js";

interface ReminderEvent {
  taskId: string;
  assigneeId: string;
  firedAt: string;
}

const ReminderRef = builder.objectRef<ReminderEvent>("Reminder").implement({
  description: "A task whose due time came. `id` is stable per firing: use it to drop duplicates after reconnects.",
  fields: (t) => ({
    id: t.id({ resolve: (e) => `${encodeId("Task", e.taskId)}@${Date.parse(e.firedAt)}` }),
    firedAt: t.field({ type: "DateTime", resolve: (e) => new Date(e.firedAt) }),
    task: t.prismaField({
      type: "Task",
      nullable: true,
      resolve: (query, e, _a, ctx) =>
        ctx.prisma.task.findFirst({ ...selection(query), where: { id: e.taskId, organizationId: ctx.viewer!.organizationId } }),
    }),
  }),
});

builder.subscriptionField("reminderDue", (t) =>
  t.field({
    type: ReminderRef,
    description:
      "Due reminders, pushed live. On connect, reminders already fired and still open come first. Managers get their own; " +
      "heads of sales may watch one manager (assigneeId) or the whole team (team: true).",
    args: { assigneeId: t.arg.id(), team: t.arg.boolean() },
    subscribe: (_root, args, ctx) => remindersFor(ctx, args),
    resolve: (event: ReminderEvent) => event,
  }),
);

function remindersFor(ctx: Context, args: { assigneeId?: string | null; team?: boolean | null }): AsyncIterable<ReminderEvent> {
  const { viewer } = authed(ctx);
  const watched = optionalIdOf(args.assigneeId, "User", "assigneeId") ?? (args.team ? null : viewer.userId);
  if (watched !== viewer.userId && !isSupervisor(viewer)) {
    throw new GraphQLError("Managers can only watch their own reminders", { extensions: { code: "FORBIDDEN" } });
  }
  const scope: Prisma.TaskWhereInput = { organizationId: viewer.organizationId, ...(watched ? { assigneeId: watched } : {}) };
  return catchUpThenLive<ReminderEvent>({
    // One user's reminders come on their own topic, so no socket filters the whole organization's stream.
    live: watched === null
      ? ctx.pubsub.subscribe("reminder:due", viewer.organizationId)
      : ctx.pubsub.subscribe("reminder:due:assignee", `${viewer.organizationId}:${watched}`),
    keyOf: (e) => `${e.taskId}@${Date.parse(e.firedAt)}`,
    backlog: async () =>
      (
        await ctx.prisma.task.findMany({
          where: { ...scope, status: "OPEN", firedAt: { not: null } },
          orderBy: { firedAt: "asc" },
          select: { id: true, assigneeId: true, firedAt: true },
        })
      ).map((task) => ({ taskId: task.id, assigneeId: task.assigneeId, firedAt: task.firedAt!.toISOString() })),
  });
}

builder.prismaNode("Escalation", {
  ...tenantNode,
  authScopes: { headOfSales: true },
  fields: (t) => ({
    task: t.relation("task"),
    manager: t.relation("manager"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("escalations", (t) =>
  t.prismaConnection({
    type: "Escalation",
    cursor: "id",
    description: "Tasks that stayed overdue past the organization's limit (heads of sales)",
    authScopes: { headOfSales: true },
    args: { managerId: t.arg.id() },
    totalCount: (_c, args, ctx) =>
      ctx.prisma.escalation.count({ where: { organizationId: authed(ctx).viewer.organizationId, managerId: optionalIdOf(args.managerId, "User", "managerId") ?? undefined } }),
    resolve: (query, _r, args, ctx) =>
      ctx.prisma.escalation.findMany({
        ...selection(query),
        where: { organizationId: authed(ctx).viewer.organizationId, managerId: optionalIdOf(args.managerId, "User", "managerId") ?? undefined },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
);

builder.subscriptionField("taskEscalated", (t) =>
  t.prismaField({
    type: "Escalation",
    nullable: true,
    description: "Heads of sales: a manager's task stayed overdue past the organization's limit.",
    authScopes: { headOfSales: true },
    subscribe: (_root, _args, ctx) => ctx.pubsub.subscribe("task:escalated", authed(ctx).viewer.organizationId),
    resolve: (query, e: { escalationId: string }, _a, ctx) =>
      ctx.prisma.escalation.findFirst({ ...selection(query), where: { id: e.escalationId, organizationId: ctx.viewer!.organizationId } }),
  }),
);
