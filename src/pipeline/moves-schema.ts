import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { selection } from "../shared/selection.js";
import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import type { Prisma } from "../generated/prisma/client.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { CriterionCheckRef } from "./criteria-types.js";
import { StageCriteriaNotMetError } from "./error-types.js";
import { moveClientToStage } from "./move.js";
import { stageReadiness, type StageReadiness } from "./readiness.js";

const ReasonKindEnum = builder.enumType("ReasonKind", { values: ["LOST", "POSTPONED", "CHURN"] as const });
const MoveDirectionEnum = builder.enumType("MoveDirection", {
  values: {
    FORWARD: { description: "To a later stage: exit criteria of the current and skipped stages apply" },
    BACKWARD: { description: "To an earlier stage: always allowed" },
    PARK: { description: "To Lost or Postponed: a reason and a note are required" },
    RETURN: { description: "From Lost or Postponed back to an active stage: allowed" },
    REOPEN: { description: "From Won back to an active stage: allowed" },
    ENTER: { description: "Into a pipeline the client is not in yet: criteria of every earlier stage apply" },
  } as const,
});

builder.prismaNode("Reason", {
  ...tenantNode,
  fields: (t) => ({
    kind: t.field({ type: ReasonKindEnum, resolve: (r) => r.kind as typeof ReasonKindEnum.$inferType }),
    key: t.exposeString("key"),
    label: t.exposeString("label"),
  }),
});

builder.prismaNode("StageTransition", {
  ...tenantNode,
  description: "One move of a client between stages: who, when, from, to, why",
  fields: (t) => ({
    client: t.relation("client"),
    fromStage: t.relation("fromStage", { nullable: true, description: "null when the client entered its first stage" }),
    toStage: t.relation("toStage", { nullable: true }),
    actor: t.relation("actor", { nullable: true }),
    reason: t.relation("reason", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
  }),
});

const transitionOrder = [{ occurredAt: "desc" as const }, { id: "desc" as const }];

builder.prismaObjectFields("Client", (t) => ({
  transitions: t.relatedConnection("transitions", {
    cursor: "id",
    totalCount: true,
    description: "Stage history, newest first",
    query: () => ({ orderBy: transitionOrder }),
  }),
}));

const StageTransitionFilter = builder.inputType("StageTransitionFilter", {
  fields: (t) => ({
    clientId: t.id(),
    fromStageId: t.id(),
    toStageId: t.id(),
    stageId: t.id({ description: "Moves into or out of this stage" }),
    actorId: t.id(),
    reasonId: t.id(),
    occurredFrom: t.field({ type: "DateTime", description: "Inclusive" }),
    occurredTo: t.field({ type: "DateTime", description: "Exclusive" }),
  }),
});

function transitionWhere(organizationId: string, filter: typeof StageTransitionFilter.$inferInput | null | undefined): Prisma.StageTransitionWhereInput {
  const where: Prisma.StageTransitionWhereInput = { organizationId };
  if (!filter) return where;
  const stageId = optionalIdOf(filter.stageId, "Stage", "filter.stageId");
  return {
    ...where,
    clientId: optionalIdOf(filter.clientId, "Client", "filter.clientId") ?? undefined,
    fromStageId: optionalIdOf(filter.fromStageId, "Stage", "filter.fromStageId") ?? undefined,
    toStageId: optionalIdOf(filter.toStageId, "Stage", "filter.toStageId") ?? undefined,
    actorId: optionalIdOf(filter.actorId, "User", "filter.actorId") ?? undefined,
    reasonId: optionalIdOf(filter.reasonId, "Reason", "filter.reasonId") ?? undefined,
    occurredAt: filter.occurredFrom || filter.occurredTo ? { gte: filter.occurredFrom ?? undefined, lt: filter.occurredTo ?? undefined } : undefined,
    ...(stageId ? { OR: [{ fromStageId: stageId }, { toStageId: stageId }] } : {}),
  };
}

builder.queryFields((t) => ({
  reasons: t.prismaField({
    type: ["Reason"],
    description: "The organization's reasons for Lost, Postponed and churn",
    args: { kind: t.arg({ type: ReasonKindEnum }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.reason.findMany({
        ...selection(query),
        where: { organizationId: ctx.viewer!.organizationId, ...(args.kind ? { kind: args.kind } : {}) },
        orderBy: [{ kind: "asc" }, { label: "asc" }],
      }),
  }),
  stageTransitions: t.prismaConnection({
    type: "StageTransition",
    cursor: "id",
    description: "Stage moves across the organization, newest first",
    args: { filter: t.arg({ type: StageTransitionFilter }) },
    totalCount: (_conn, args, ctx) => ctx.prisma.stageTransition.count({ where: transitionWhere(ctx.viewer!.organizationId, args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.stageTransition.findMany({ ...selection(query), where: transitionWhere(ctx.viewer!.organizationId, args.filter), orderBy: transitionOrder }),
  }),
}));

const StageReadinessRef = builder.objectRef<StageReadiness>("StageReadiness").implement({
  description: "The checklist a move to `toStage` would be judged by, without moving",
  fields: (t) => ({
    client: t.prismaField({
      type: "Client",
      resolve: (query, r, _args, ctx) => ctx.prisma.client.findUniqueOrThrow({ ...selection(query), where: { id: r.clientId } }),
    }),
    fromStage: t.prismaField({
      type: "Stage",
      nullable: true,
      resolve: (query, r, _args, ctx) => (r.fromStage ? ctx.prisma.stage.findUnique({ ...selection(query), where: { id: r.fromStage.id } }) : null),
    }),
    toStage: t.prismaField({
      type: "Stage",
      resolve: (query, r, _args, ctx) => ctx.prisma.stage.findUniqueOrThrow({ ...selection(query), where: { id: r.toStage.id } }),
    }),
    ready: t.exposeBoolean("ready", { description: "Every criterion is met and nothing blocks the move (a reason may still be required)" }),
    direction: t.field({ type: MoveDirectionEnum, nullable: true, resolve: (r) => r.direction }),
    reasonRequired: t.field({ type: ReasonKindEnum, nullable: true, description: "Kind of reason the move needs", resolve: (r) => r.reasonRequired }),
    blocker: t.exposeString("blocker", { nullable: true, description: "Why this move is not possible at all" }),
    checklist: t.field({ type: [CriterionCheckRef], resolve: (r) => r.checklist }),
    unmet: t.field({ type: [CriterionCheckRef], resolve: (r) => r.checklist.filter((c) => !c.met) }),
  }),
});

builder.queryField("stageReadiness", (t) =>
  t.field({
    type: StageReadinessRef,
    description: "What is still missing before the client may move to targetStageId (default: the next stage)",
    errors: { types: [ValidationError, NotFoundError], dataField: { name: "readiness" } },
    args: { clientId: t.arg.id({ required: true }), targetStageId: t.arg.id() },
    resolve: (_root, args, ctx) =>
      stageReadiness(authed(ctx), idOf(args.clientId, "Client", "clientId"), optionalIdOf(args.targetStageId, "Stage", "targetStageId") ?? null),
  }),
);

builder.mutationField("moveClientToStage", (t) =>
  t.prismaField({
    type: "StageTransition",
    description: "Moves a client to another stage. Forward moves must satisfy the exit criteria of the current and every skipped stage.",
    errors: { types: [StageCriteriaNotMetError, ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "transition" } },
    args: {
      input: t.arg({
        type: builder.inputType("MoveClientToStageInput", {
          fields: (f) => ({
            clientId: f.id({ required: true }),
            stageId: f.id({ required: true }),
            reasonId: f.id({ description: "Required for Lost and Postponed: one of `reasons(kind)`" }),
            note: f.string({ description: "Required for Lost and Postponed" }),
            expectedVersion: f.int({ required: true, description: "The client's version you read" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const transition = await moveClientToStage(authed(ctx), {
        clientId: idOf(input.clientId, "Client", "input.clientId"),
        stageId: idOf(input.stageId, "Stage", "input.stageId"),
        reasonId: optionalIdOf(input.reasonId, "Reason", "input.reasonId"),
        note: input.note,
        expectedVersion: input.expectedVersion,
      });
      return ctx.prisma.stageTransition.findUniqueOrThrow({ ...selection(query), where: { id: transition.id } });
    },
  }),
);
