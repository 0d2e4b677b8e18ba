import { authed } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { selection } from "../shared/selection.js";
import { rootList } from "../compiled-reads/root-list.js";
import { parseInput } from "../shared/validate.js";
import { organizationScopedId } from "../graphql/organization-scoped-id.js";
import { recordOutcome } from "./outcome.js";
import { organizationPolicy, purchaseStatsOf } from "./purchase-stats.js";
import { readReactivationSettings, reactivationSettingsSchema } from "./settings.js";
import { runSweep } from "./sweep.js";

export const ReactivationStatusEnum = builder.enumType("ReactivationStatus", { values: ["OPEN", "WON_BACK", "LOST"] as const });

const AssignToEnum = builder.enumType("ReactivationAssignTo", {
  values: {
    OWNER: { description: "The client's owner (else the dedicated manager, else a head of sales)" },
    DEDICATED_MANAGER: { description: "Always the dedicated manager" },
  } as const,
});

builder.prismaNode("ReactivationEntry", {
  ...tenantNode,
  fields: (t) => ({
    client: t.relation("client"),
    assignee: t.relation("assignee", { nullable: true }),
    status: t.expose("status", { type: ReactivationStatusEnum }),
    lastPurchaseAt: t.expose("lastPurchaseAt", { type: "DateTime" }),
    expectedIntervalDays: t.float({ select: { expectedIntervalDays: true }, resolve: (e) => Number(e.expectedIntervalDays) }),
    churnReason: t.relation("churnReason", { nullable: true, description: "Why the client was lost: a Reason of kind CHURN" }),
    task: t.relation("task", { nullable: true, description: "The reactivation call task created with the entry" }),
    note: t.exposeString("note", { nullable: true }),
    openedAt: t.expose("openedAt", { type: "DateTime" }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    version: t.exposeInt("version"),
    callScript: t.string({
      description: "The organization's reactivation call script",
      select: { organization: { select: { settings: true } } },
      resolve: (e) => readReactivationSettings(e.organization.settings).callScript,
    }),
  }),
});

builder.prismaObjectFields("Client", (t) => ({
  lastPurchaseAt: t.field({
    type: "DateTime",
    nullable: true,
    description: "Latest paid or shipped, not cancelled order",
    resolve: async (client, _a, ctx) => (await purchaseStatsOf(ctx, client.id)).lastPurchaseAt,
  }),
  daysSinceLastPurchase: t.float({
    nullable: true,
    resolve: async (client, _a, ctx) => {
      const { lastPurchaseAt } = await purchaseStatsOf(ctx, client.id);
      return lastPurchaseAt ? round1((ctx.clock.now().getTime() - lastPurchaseAt.getTime()) / 86_400_000) : null;
    },
  }),
  expectedPurchaseIntervalDays: t.float({
    nullable: true,
    description: "Mean gap between this client's purchases; the organization average below 2 purchases; or the fixed period if set",
    resolve: async (client, _a, ctx) => {
      const [stats, policy] = await Promise.all([purchaseStatsOf(ctx, client.id), organizationPolicy(ctx)]);
      if (stats.purchaseCount === 0 && !policy.fixedPeriodDays) return null;
      const days = policy.fixedPeriodDays ?? stats.meanGapDays ?? policy.averageDays;
      return days == null ? null : round1(days);
    },
  }),
  reactivationEntries: t.relation("reactivationEntries", { query: { orderBy: { openedAt: "desc" } } }),
}));

const round1 = (n: number) => Math.round(n * 10) / 10;

const ReactivationFilter = builder.inputType("ReactivationFilter", {
  fields: (t) => ({
    status: t.field({ type: ReactivationStatusEnum }),
    assigneeId: t.id(),
    mine: t.boolean({ description: "Only entries assigned to me" }),
  }),
});

function entryWhere(ctx: { viewer: { organizationId: string; userId: string } }, filter: typeof ReactivationFilter.$inferInput | null | undefined) {
  const where: Prisma.ReactivationEntryWhereInput = { organizationId: ctx.viewer.organizationId };
  if (filter?.status) where.status = filter.status;
  if (filter?.assigneeId) where.assigneeId = idOf(filter.assigneeId, "User", "filter.assigneeId");
  if (filter?.mine) where.assigneeId = ctx.viewer.userId;
  return where;
}

builder.queryField("reactivationEntries", (t) =>
  t.prismaConnection({
    type: "ReactivationEntry",
    cursor: "id",
    description: "The reactivation list: clients who have not bought for longer than their usual interval",
    args: { filter: t.arg({ type: ReactivationFilter }) },
    ...rootList<{ filter?: typeof ReactivationFilter.$inferInput | null }>({
      model: "ReactivationEntry",
      where: (args, ctx) => entryWhere(authed(ctx), args.filter),
      orderBy: () => [{ openedAt: "desc" }, { id: "desc" }],
    }),
  }),
);

const SweepResultRef = builder.objectRef<{ entryIds: string[] }>("ReactivationSweepResult").implement({
  fields: (t) => ({
    createdCount: t.int({ resolve: (r) => r.entryIds.length }),
    entries: t.prismaField({
      type: ["ReactivationEntry"],
      resolve: (query, r, _a, ctx) => ctx.prisma.reactivationEntry.findMany({ ...selection(query), where: { id: { in: r.entryIds } }, orderBy: { openedAt: "asc" } }),
    }),
  }),
});

builder.mutationField("runReactivationSweep", (t) =>
  t.field({
    type: SweepResultRef,
    description: "Runs the reactivation sweep now (it also runs on schedule). Idempotent: clients with an open entry are skipped.",
    authScopes: { headOfSales: true },
    errors: { types: [ForbiddenError], dataField: { name: "result" } },
    resolve: async (_root, _args, ctx) => {
      const { viewer } = authed(ctx);
      const { created } = await runSweep(ctx.prisma, ctx.pubsub, viewer.organizationId, ctx.clock.now());
      return { entryIds: created.map((c) => c.entryId) };
    },
  }),
);

const OutcomeEnum = builder.enumType("ReactivationOutcome", {
  values: {
    WON_BACK: { description: "The client will buy again" },
    LOST: { description: "The client is gone; a churn reason is required" },
    NO_DECISION: { description: "Called, the entry stays open" },
  } as const,
});

builder.mutationField("recordReactivationCall", (t) =>
  t.prismaField({
    type: "ReactivationEntry",
    description: "Records the reactivation call on the client's timeline and, with WON_BACK or LOST, closes the entry.",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "entry" } },
    args: {
      input: t.arg({
        type: builder.inputType("RecordReactivationCallInput", {
          fields: (f) => ({
            entryId: f.id({ required: true }),
            expectedVersion: f.int({ required: true }),
            outcome: f.field({ type: OutcomeEnum, required: true }),
            reasonId: f.id({ description: "Required for LOST: one of `reasons(kind: CHURN)`, like the reasonId of a move to Lost" }),
            note: f.string({ required: true }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.entryId, "ReactivationEntry", "input.entryId");
      await recordOutcome(authed(ctx), id, { ...input, reasonId: optionalIdOf(input.reasonId, "Reason", "input.reasonId") ?? null });
      return ctx.prisma.reactivationEntry.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
);

const SettingsRef = builder.objectRef<ReturnType<typeof readReactivationSettings>>("ReactivationSettings").implement({
  description: "How the reactivation sweep finds lapsed clients and whom it assigns them to",
  fields: (t) => ({
    id: t.id(organizationScopedId("ReactivationSettings")),
    factor: t.exposeFloat("factor", { description: "Due when days since last purchase > expected interval × factor" }),
    fixedPeriodDays: t.exposeFloat("fixedPeriodDays", { nullable: true }),
    assignTo: t.field({ type: AssignToEnum, description: "Who gets new entries", resolve: (s) => s.assignTo }),
    dedicatedManagerId: t.id({ nullable: true, resolve: (s) => (s.dedicatedManagerId ? encodeId("User", s.dedicatedManagerId) : null) }),
    sweepEveryDays: t.exposeInt("sweepEveryDays"),
    callScript: t.exposeString("callScript"),
    relistLostAfterDays: t.exposeInt("relistLostAfterDays", {
      description: "A client closed as LOST is not listed again for this many days, unless it buys again",
    }),
    lastSweepAt: t.field({ type: "DateTime", nullable: true, resolve: (s) => (s.lastSweepAt ? new Date(s.lastSweepAt) : null) }),
  }),
});

builder.queryField("reactivationSettings", (t) =>
  t.field({
    type: SettingsRef,
    resolve: async (_r, _a, ctx) => {
      const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: authed(ctx).viewer.organizationId } });
      return readReactivationSettings(org.settings);
    },
  }),
);

builder.mutationField("updateReactivationSettings", (t) =>
  t.field({
    type: SettingsRef,
    description: "ADMIN only. Unset fields keep their value.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "settings" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateReactivationSettingsInput", {
          fields: (f) => ({
            factor: f.float(),
            fixedPeriodDays: f.float({ description: "null clears it" }),
            assignTo: f.field({ type: AssignToEnum }),
            dedicatedManagerId: f.id(),
            sweepEveryDays: f.int(),
            callScript: f.string(),
            relistLostAfterDays: f.int(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const { viewer } = authed(ctx);
      const patch = parseInput(
        reactivationSettingsSchema.omit({ lastSweepAt: true }).partial().strip(),
        {
          ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
          ...(input.dedicatedManagerId ? { dedicatedManagerId: idOf(input.dedicatedManagerId, "User", "input.dedicatedManagerId") } : {}),
        },
      );
      if (patch.dedicatedManagerId) {
        const user = await ctx.prisma.user.findFirst({ where: { id: patch.dedicatedManagerId, organizationId: viewer.organizationId, active: true } });
        if (!user) throw ValidationError.field("input.dedicatedManagerId", "is not an active user of your organization");
      }
      const [row] = await ctx.prisma.$queryRaw<{ settings: unknown }[]>`
        UPDATE "Organization"
        SET settings = settings || jsonb_build_object('reactivation', COALESCE(settings->'reactivation', '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)
        WHERE id = ${viewer.organizationId}::uuid
        RETURNING settings`;
      return readReactivationSettings(row!.settings);
    },
  }),
);
