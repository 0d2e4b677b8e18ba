import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { authed, type AuthedContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { SortDirection } from "../clients/filters.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { selection } from "../shared/selection.js";
import { rootList } from "../compiled-reads/root-list.js";
import type { CompiledSql } from "../compiled-reads/plan.js";
import { dayBounds } from "./followups.js";
import { createTask, finishTask, updateTask } from "./service.js";

/** `overdue` for the compiled read path (src/compiled-reads): the resolver's rule, in SQL. */
const overdueSql: CompiledSql = ({ column, param, ctx }) => `${column("status")} = 'OPEN' AND ${column("dueAt")} < ${param(ctx.clock.now())}`;

export const TaskTypeEnum = builder.enumType("TaskType", {
  values: ["CALL", "FOLLOW_UP", "MEETING", "PAYMENT_CHASE", "REACTIVATION_CALL", "EMAIL", "OTHER"] as const,
});
export const TaskStatusEnum = builder.enumType("TaskStatus", {
  values: {
    OPEN: { description: "To do" },
    DONE: { description: "Completed by a person" },
    CANCELLED: { description: "No longer needed (e.g. a payment chase once the invoice is paid)" },
    MISSED: { description: "Not done before the next one of its series came due; counted as missed in discipline" },
  } as const,
});

builder.prismaNode("Task", {
  ...tenantNode,
  select: { id: true }, // select mode: load only the columns the query asks for
  fields: (t) => ({
    title: t.exposeString("title"),
    type: t.expose("type", { type: TaskTypeEnum }),
    status: t.expose("status", { type: TaskStatusEnum }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    result: t.exposeString("result", { nullable: true }),
    firedAt: t.expose("firedAt", { type: "DateTime", nullable: true, description: "When the due reminder was pushed" }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    escalatedAt: t.expose("escalatedAt", { type: "DateTime", nullable: true }),
    overdue: t.boolean({
      select: { status: true, dueAt: true },
      resolve: (task, _a, ctx) => task.status === "OPEN" && task.dueAt < ctx.clock.now(),
      extensions: { compiledSql: overdueSql },
    }),
    assignee: t.relation("assignee"),
    creator: t.relation("creator", { nullable: true }),
    client: t.relation("client", { nullable: true }),
    order: t.relation("order", { nullable: true, description: "The order a payment chase is about" }),
    version: t.exposeInt("version"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.prismaObjectFields("Client", (t) => ({
  tasks: t.relatedConnection("tasks", {
    cursor: "id",
    totalCount: true,
    args: { status: t.arg({ type: TaskStatusEnum }) },
    query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ dueAt: "asc" }, { id: "asc" }] }),
  }),
}));

const TaskFilter = builder.inputType("TaskFilter", {
  fields: (t) => ({
    mine: t.boolean({ description: "Only tasks assigned to me" }),
    assigneeId: t.id(),
    clientId: t.id(),
    status: t.field({ type: TaskStatusEnum }),
    type: t.field({ type: TaskTypeEnum }),
    dueFrom: t.field({ type: "DateTime" }),
    dueBefore: t.field({ type: "DateTime" }),
    overdue: t.boolean({ description: "Open and past due" }),
  }),
});
const TaskOrder = builder.inputType("TaskOrder", {
  fields: (t) => ({
    field: t.field({ type: builder.enumType("TaskOrderField", { values: ["DUE_AT", "CREATED_AT"] as const }), required: true }),
    direction: t.field({ type: SortDirection, defaultValue: "ASC" }),
  }),
});

function taskWhere(ctx: AuthedContext, filter: typeof TaskFilter.$inferInput | null | undefined): Prisma.TaskWhereInput {
  const where: Prisma.TaskWhereInput = { organizationId: ctx.viewer.organizationId };
  if (!filter) return where;
  if (filter.mine) where.assigneeId = ctx.viewer.userId;
  if (filter.assigneeId) where.assigneeId = idOf(filter.assigneeId, "User", "filter.assigneeId");
  if (filter.clientId) where.clientId = idOf(filter.clientId, "Client", "filter.clientId");
  if (filter.status) where.status = filter.status;
  if (filter.type) where.type = filter.type;
  const now = ctx.clock.now();
  const dueAt: Prisma.DateTimeFilter = {};
  if (filter.dueFrom) dueAt.gte = filter.dueFrom;
  if (filter.dueBefore) dueAt.lt = filter.dueBefore;
  if (filter.overdue) {
    where.status = "OPEN";
    dueAt.lt = dueAt.lt instanceof Date && dueAt.lt < now ? dueAt.lt : now;
  }
  if (Object.keys(dueAt).length) where.dueAt = dueAt;
  return where;
}

const MyTasksScope = builder.enumType("MyTasksScope", {
  values: {
    TODAY: { description: "Open tasks due today in the organization's time zone (including ones already past due today)" },
    OVERDUE: { description: "Open tasks past their due time" },
    UPCOMING: { description: "Open tasks due from now on" },
  } as const,
});

type TaskListArgs = { filter?: typeof TaskFilter.$inferInput | null; orderBy?: typeof TaskOrder.$inferInput | null };

builder.queryFields((t) => ({
  tasks: t.prismaConnection({
    type: "Task",
    cursor: "id",
    args: { filter: t.arg({ type: TaskFilter }), orderBy: t.arg({ type: TaskOrder }) },
    ...rootList<TaskListArgs>({
      model: "Task",
      where: (args, ctx) => taskWhere(authed(ctx), args.filter),
      orderBy: (args) => {
        const direction = args.orderBy?.direction === "DESC" ? "desc" : "asc";
        const column = args.orderBy?.field === "CREATED_AT" ? "createdAt" : "dueAt";
        return [{ [column]: direction }, { id: direction }];
      },
    }),
  }),
  myTasks: t.prismaConnection({
    type: "Task",
    cursor: "id",
    description: "The caller's open tasks for today, overdue or upcoming",
    args: { scope: t.arg({ type: MyTasksScope, required: true }) },
    ...rootList<{ scope: "TODAY" | "OVERDUE" | "UPCOMING" }>({
      model: "Task",
      where: (args, ctx) => myTasksWhere(authed(ctx), args.scope),
      orderBy: () => [{ dueAt: "asc" }, { id: "asc" }],
    }),
  }),
}));

async function myTasksWhere(ctx: AuthedContext, scope: "TODAY" | "OVERDUE" | "UPCOMING"): Promise<Prisma.TaskWhereInput> {
  const base = { organizationId: ctx.viewer.organizationId, assigneeId: ctx.viewer.userId, status: "OPEN" as const };
  const now = ctx.clock.now();
  if (scope === "OVERDUE") return { ...base, dueAt: { lt: now } };
  if (scope === "UPCOMING") return { ...base, dueAt: { gte: now } };
  const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: ctx.viewer.organizationId }, select: { timezone: true } });
  const { start, end } = dayBounds(now, org.timezone);
  return { ...base, dueAt: { gte: start, lt: end } };
}

builder.mutationFields((t) => ({
  createTask: t.prismaField({
    type: "Task",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "task" } },
    args: {
      input: t.arg({
        type: builder.inputType("CreateTaskInput", {
          fields: (f) => ({
            title: f.string({ required: true }),
            type: f.field({ type: TaskTypeEnum, required: true }),
            dueAt: f.field({ type: "DateTime", required: true }),
            assigneeId: f.id({ description: "Defaults to the caller; heads of sales may assign to others" }),
            clientId: f.id(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _r, { input }, ctx) => {
      const a = authed(ctx);
      const task = await createTask(a, {
        title: input.title,
        type: input.type,
        dueAt: input.dueAt,
        assigneeId: optionalIdOf(input.assigneeId, "User", "input.assigneeId") ?? a.viewer.userId,
        clientId: optionalIdOf(input.clientId, "Client", "input.clientId") ?? null,
      });
      return ctx.prisma.task.findUniqueOrThrow({ ...selection(query), where: { id: task.id } });
    },
  }),
  updateTask: t.prismaField({
    type: "Task",
    description: "Changes an open task. A new due time re-arms its reminder.",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "task" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateTaskInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            expectedVersion: f.int({ required: true }),
            title: f.string(),
            dueAt: f.field({ type: "DateTime" }),
            assigneeId: f.id(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _r, { input }, ctx) => {
      const id = idOf(input.id, "Task", "input.id");
      await updateTask(authed(ctx), id, input.expectedVersion, {
        title: input.title ?? undefined,
        dueAt: input.dueAt ?? undefined,
        assigneeId: optionalIdOf(input.assigneeId, "User", "input.assigneeId") ?? undefined,
      });
      return ctx.prisma.task.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  completeTask: finishField(
    t,
    "DONE",
    "Marks the task done with its result. Done by the due time counts as on time. Completing a payment chase schedules the next one while the invoice stays unpaid.",
  ),
  cancelTask: finishField(t, "CANCELLED", "Cancels an open task. To stop chasing an invoice, cancel the order instead."),
}));

type MutationFieldBuilder = Parameters<Parameters<typeof builder.mutationFields>[0]>[0];

function finishField(t: MutationFieldBuilder, status: "DONE" | "CANCELLED", description: string) {
  return t.prismaField({
    type: "Task",
    description,
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "task" } },
    args: {
      input: t.arg({
        type: builder.inputType(status === "DONE" ? "CompleteTaskInput" : "CancelTaskInput", {
          fields: (f) => ({ id: f.id({ required: true }), expectedVersion: f.int({ required: true }), result: f.string() }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _r, { input }, ctx) => {
      const id = idOf(input.id, "Task", "input.id");
      await finishTask(authed(ctx), id, input.expectedVersion, status, input.result?.trim() || null);
      return ctx.prisma.task.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  });
}

