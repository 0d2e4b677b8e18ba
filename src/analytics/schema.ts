import { ForbiddenError, ValidationError } from "../graphql/errors.js";
import { authed, type Context } from "../context.js";
import type { Channel, Stage, User } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { AbcClassEnum } from "../clients/filters.js";
import { organizationScopedId } from "../graphql/organization-scoped-id.js";
import { isSupervisor } from "../shared/access.js";
import { parseInput } from "../shared/validate.js";
import { recalculateAbc } from "./abc-recalc.js";
import { onTimeRate, rate } from "./discipline.js";
import { validatePeriod } from "./period.js";
import * as q from "./queries.js";
import { channelMetrics } from "./roi.js";
import { abcSettingsSchema, readAbcSettings, type AbcSettings } from "./settings.js";

export const PeriodInput = builder.inputType("PeriodInput", {
  description: "A half-open period [from, to). Use the organization's time zone offsets for calendar periods.",
  fields: (t) => ({ from: t.field({ type: "DateTime", required: true }), to: t.field({ type: "DateTime", required: true }) }),
});


/** Managers see their own figures; heads of sales and admins see everyone's. */
const ownScope = (ctx: Context) => {
  const { viewer } = authed(ctx);
  return isSupervisor(viewer) ? null : viewer.userId;
};

// ---------- ABC ----------

const AbcClassSize = builder.objectRef<{ class: string; clients: number; revenue: string; share: string }>("AbcClassSize").implement({
  fields: (t) => ({
    class: t.field({ type: AbcClassEnum, resolve: (r) => r.class as "A" | "B" | "C" }),
    clients: t.exposeInt("clients"),
    revenue: t.field({ type: "Decimal", resolve: (r) => r.revenue }),
    share: t.float({ description: "Share of the snapshot's revenue, 0..1", resolve: (r) => Number(r.share) }),
  }),
});

const AbcSnapshotSummary = builder.objectRef<{ snapshotId: string; computedAt: Date; classes: { class: string; clients: number; revenue: string; share: string }[] }>("AbcSnapshotSummary").implement({
  fields: (t) => ({
    snapshotId: t.exposeID("snapshotId"),
    computedAt: t.field({ type: "DateTime", resolve: (s) => s.computedAt }),
    classes: t.field({ type: [AbcClassSize], resolve: (s) => s.classes }),
  }),
});

const AbcClassSetting = builder.objectRef<{ class: string; discountPercent: number; offer: string }>("AbcClassSetting").implement({
  description: "What a class gets: its discount and offer",
  fields: (t) => ({ class: t.field({ type: AbcClassEnum, resolve: (r) => r.class as "A" | "B" | "C" }), discountPercent: t.exposeFloat("discountPercent"), offer: t.exposeString("offer") }),
});

const AbcSettingsRef = builder.objectRef<AbcSettings>("AbcSettings").implement({
  description: "How ABC classes are computed and what each class gets",
  fields: (t) => ({
    id: t.id(organizationScopedId("AbcSettings")),
    windowMonths: t.exposeInt("windowMonths"),
    a: t.exposeFloat("a", { description: "Revenue share covered by class A" }),
    b: t.exposeFloat("b", { description: "Revenue share covered by class B; C is the rest" }),
    classes: t.field({ type: [AbcClassSetting], resolve: (s) => (["A", "B", "C"] as const).map((c) => ({ class: c, ...s.offers[c] })) }),
  }),
});

const settingsCache = new WeakMap<object, Promise<AbcSettings>>();
function abcSettingsOf(ctx: Context): Promise<AbcSettings> {
  let cached = settingsCache.get(ctx);
  if (!cached) {
    cached = ctx.prisma.organization
      .findUniqueOrThrow({ where: { id: authed(ctx).viewer.organizationId }, select: { settings: true } })
      .then((o) => readAbcSettings(o.settings));
    settingsCache.set(ctx, cached);
  }
  return cached;
}

builder.prismaObjectFields("Client", (t) => ({
  abcOffer: t.field({
    type: AbcClassSetting,
    nullable: true,
    description: "The discount and offer of the client's ABC class",
    select: { abcClass: true },
    resolve: async (client, _a, ctx) => {
      const cls = client.abcClass as "A" | "B" | "C" | null;
      return cls ? { class: cls, ...(await abcSettingsOf(ctx)).offers[cls] } : null;
    },
  }),
}));

function groupSnapshots(rows: Awaited<ReturnType<typeof q.abcHistory>>) {
  const byId = new Map<string, { snapshotId: string; computedAt: Date; classes: { class: string; clients: number; revenue: string; share: string }[] }>();
  for (const row of rows) {
    const entry = byId.get(row.snapshotId) ?? { snapshotId: row.snapshotId, computedAt: row.computedAt, classes: [] };
    entry.classes.push({ class: row.class, clients: row.clients, revenue: row.revenue, share: row.share });
    byId.set(row.snapshotId, entry);
  }
  return [...byId.values()];
}

builder.queryFields((t) => ({
  abcSettings: t.field({ type: AbcSettingsRef, resolve: (_r, _a, ctx) => abcSettingsOf(ctx) }),
  abcHistory: t.field({
    type: [AbcSnapshotSummary],
    description: "Sizes and revenue shares of A/B/C at each recalculation in the period (heads of sales)",
    authScopes: { headOfSales: true },
    args: { period: t.arg({ type: PeriodInput, required: true }) },
    resolve: async (_r, args, ctx) => groupSnapshots(await q.abcHistory(ctx.prisma, authed(ctx).viewer.organizationId, validatePeriod(args.period))),
  }),
}));

builder.mutationFields((t) => ({
  recalculateAbc: t.field({
    type: AbcSnapshotSummary,
    description: "Classifies every client by paid revenue over the trailing window and stores a snapshot (also runs on schedule)",
    authScopes: { headOfSales: true },
    errors: { types: [ForbiddenError], dataField: { name: "snapshot" } },
    resolve: async (_r, _a, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const now = ctx.clock.now();
      const { snapshotId } = await recalculateAbc(ctx.prisma, organizationId, now);
      const rows = await q.abcHistory(ctx.prisma, organizationId, { from: now, to: new Date(now.getTime() + 1) });
      return groupSnapshots(rows).find((s) => s.snapshotId === snapshotId) ?? { snapshotId, computedAt: now, classes: [] };
    },
  }),
  updateAbcSettings: t.field({
    type: AbcSettingsRef,
    description: "ADMIN only: window, thresholds and each class's discount/offer. Unset fields keep their value.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "settings" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateAbcSettingsInput", {
          fields: (f) => ({
            windowMonths: f.int(),
            a: f.float(),
            b: f.float(),
            classes: f.field({
              type: [builder.inputType("AbcClassSettingInput", {
                fields: (g) => ({ class: g.field({ type: AbcClassEnum, required: true }), discountPercent: g.float({ required: true }), offer: g.string({ required: true }) }),
              })],
            }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const current = await abcSettingsOf(ctx);
      const offers = { ...current.offers };
      for (const c of input.classes ?? []) {
        offers[c.class] = { discountPercent: c.discountPercent, offer: c.offer };
      }
      const next = parseInput(abcSettingsSchema, {
        windowMonths: input.windowMonths ?? current.windowMonths,
        a: input.a ?? current.a,
        b: input.b ?? current.b,
        offers,
      });
      await ctx.prisma.$executeRaw`
        UPDATE "Organization" SET settings = settings || jsonb_build_object('abc', ${JSON.stringify(next)}::jsonb)
        WHERE id = ${authed(ctx).viewer.organizationId}::uuid`;
      return next;
    },
  }),
}));

// ---------- Funnel ----------

interface FunnelStageRow {
  stage: Stage;
  clients: number;
  entered: number;
  advanced: number;
  medianHours: number | null;
  p90Hours: number | null;
}

const FunnelStage = builder.objectRef<FunnelStageRow>("FunnelStage").implement({
  fields: (t) => ({
    stage: t.prismaField({ type: "Stage", resolve: (_query, r) => r.stage }),
    clients: t.exposeInt("clients", { description: "Clients in the stage now, or at the requested moment" }),
    entered: t.exposeInt("entered", { description: "Clients that entered the stage in the period" }),
    advanced: t.exposeInt("advanced", { description: "Of those, how many reached a later active or won stage before the period ended" }),
    conversionRate: t.float({ nullable: true, resolve: (r) => rate(r.advanced, r.entered) }),
    medianHoursInStage: t.float({ nullable: true, resolve: (r) => r.medianHours }),
    p90HoursInStage: t.float({ nullable: true, resolve: (r) => r.p90Hours }),
  }),
});

const ExitReason = builder.objectRef<{ kind: string; reasonKey: string | null; reasonLabel: string | null; clients: number }>("StageExitReason").implement({
  fields: (t) => ({
    kind: t.exposeString("kind", { description: "LOST or POSTPONED" }),
    reasonKey: t.exposeString("reasonKey", { nullable: true }),
    reasonLabel: t.exposeString("reasonLabel", { nullable: true }),
    clients: t.exposeInt("clients"),
  }),
});

const InvoiceLosses = builder.objectRef<{ invoiced: number; unpaid: number; unpaidAmount: string }>("InvoiceLosses").implement({
  description: "Orders invoiced in the period and never paid: \"an invoice is not a sale\"",
  fields: (t) => ({
    invoiced: t.exposeInt("invoiced"),
    unpaid: t.exposeInt("unpaid"),
    unpaidShare: t.float({ nullable: true, resolve: (r) => rate(r.unpaid, r.invoiced) }),
    unpaidAmount: t.field({ type: "Decimal", resolve: (r) => r.unpaidAmount }),
  }),
});

const Funnel = builder.objectRef<{ stages: FunnelStageRow[]; exits: Awaited<ReturnType<typeof q.exitsByReason>>; invoiceLosses: Awaited<ReturnType<typeof q.invoiceLosses>> }>("Funnel").implement({
  fields: (t) => ({
    stages: t.field({ type: [FunnelStage], resolve: (f) => f.stages }),
    exits: t.field({ type: [ExitReason], resolve: (f) => f.exits }),
    invoiceLosses: t.field({ type: InvoiceLosses, resolve: (f) => f.invoiceLosses }),
  }),
});

builder.queryField("funnel", (t) =>
  t.field({
    type: Funnel,
    description: "The default pipeline's funnel. Managers see their own clients, heads of sales everyone's.",
    args: {
      period: t.arg({ type: PeriodInput, required: true }),
      at: t.arg({ type: "DateTime", description: "Count clients per stage at this moment instead of now" }),
    },
    resolve: async (_r, args, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const period = validatePeriod(args.period);
      const owner = ownScope(ctx);
      const [stages, counts, flow, exits, invoiceLosses] = await Promise.all([
        ctx.prisma.stage.findMany({ where: { organizationId, pipeline: { isDefault: true } }, orderBy: { position: "asc" } }),
        q.clientsPerStage(ctx.prisma, organizationId, args.at ?? null, owner),
        q.stageFlow(ctx.prisma, organizationId, period, owner),
        q.exitsByReason(ctx.prisma, organizationId, period, owner),
        q.invoiceLosses(ctx.prisma, organizationId, period, owner),
      ]);
      const countOf = new Map(counts.map((c) => [c.stageId, c.clients]));
      const flowOf = new Map(flow.map((f) => [f.stageId, f]));
      return {
        stages: stages.map((stage) => {
          const f = flowOf.get(stage.id);
          return { stage, clients: countOf.get(stage.id) ?? 0, entered: f?.entered ?? 0, advanced: f?.advanced ?? 0, medianHours: f?.medianHours ?? null, p90Hours: f?.p90Hours ?? null };
        }),
        exits,
        invoiceLosses,
      };
    },
  }),
);

// ---------- Channels ----------

type ChannelRow = Awaited<ReturnType<typeof q.channelFigures>>[number] & { channel: Channel };

const ChannelPerformance = builder.objectRef<ChannelRow>("ChannelPerformance").implement({
  fields: (t) => {
    const metric = (key: keyof ReturnType<typeof channelMetrics>, description: string) =>
      t.field({ type: "Decimal", nullable: true, description, resolve: (r) => channelMetrics(r)[key] });
    return {
      channel: t.prismaField({ type: "Channel", resolve: (_query, r) => r.channel }),
      spend: t.field({ type: "Decimal", resolve: (r) => r.spend }),
      leads: t.exposeInt("leads", { description: "Clients created with this channel in the period" }),
      calls: t.exposeInt("calls", { description: "Inbound calls to the channel's tracking number" }),
      buyers: t.exposeInt("buyers", { description: "The channel's clients with an order paid in the period" }),
      revenue: t.field({ type: "Decimal", resolve: (r) => r.revenue }),
      averageCheck: metric("averageCheck", "Revenue / buyers"),
      profit: metric("profit", "Revenue − spend"),
      roiPercent: metric("roiPercent", "Profit / spend × 100"),
      costPerLead: metric("costPerLead", "Spend / leads"),
      costPerCall: metric("costPerCall", "Spend / calls"),
      costPerBuyer: metric("costPerBuyer", "Spend / buyers"),
    };
  },
});

builder.queryField("channelPerformance", (t) =>
  t.field({
    type: [ChannelPerformance],
    description: "Marketing ROI per channel (heads of sales). Spend counts the months that start inside the period, in the organization's time zone.",
    authScopes: { headOfSales: true },
    args: { period: t.arg({ type: PeriodInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const [org, channels] = await Promise.all([
        ctx.prisma.organization.findUniqueOrThrow({ where: { id: organizationId } }),
        ctx.prisma.channel.findMany({ where: { organizationId } }),
      ]);
      const rows = await q.channelFigures(ctx.prisma, organizationId, org.timezone, validatePeriod(args.period));
      const byId = new Map(channels.map((c) => [c.id, c]));
      return rows.map((r) => ({ ...r, channel: byId.get(r.channelId)! }));
    },
  }),
);

// ---------- Managers ----------

type DisciplineRow = Awaited<ReturnType<typeof q.managerDiscipline>>[number] & { user: User };

const ManagerDiscipline = builder.objectRef<DisciplineRow>("ManagerDiscipline").implement({
  fields: (t) => ({
    user: t.prismaField({ type: "User", resolve: (_query, r) => r.user }),
    due: t.exposeInt("due", { description: "Tasks due in the period" }),
    doneOnTime: t.exposeInt("doneOnTime"),
    doneLate: t.exposeInt("doneLate"),
    overdueOpen: t.exposeInt("overdueOpen", { description: "Still open past their due time" }),
    missed: t.exposeInt("missed", { description: "Rolled over into the next one of their series without being done (payment chases)" }),
    onTimeRate: t.float({ nullable: true, description: "Done on time / (done + missed + overdue), 0..1; cancelled tasks do not count", resolve: (r) => onTimeRate(r) }),
    escalations: t.exposeInt("escalations"),
  }),
});

builder.queryField("managerDiscipline", (t) =>
  t.field({
    type: [ManagerDiscipline],
    description: "Who finishes tasks on time. Managers get their own row only.",
    args: { period: t.arg({ type: PeriodInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const rows = await q.managerDiscipline(ctx.prisma, organizationId, validatePeriod(args.period), ctx.clock.now(), ownScope(ctx));
      const users = await ctx.prisma.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } } });
      const byId = new Map(users.map((u) => [u.id, u]));
      return rows.map((r) => ({ ...r, user: byId.get(r.userId)! }));
    },
  }),
);

// ---------- Reactivation ----------

const ChurnReasonCount = builder.objectRef<{ key: string; label: string; entries: number }>("ChurnReasonCount").implement({
  fields: (t) => ({ key: t.exposeString("key"), label: t.exposeString("label"), entries: t.exposeInt("entries") }),
});

const ReactivationOutcomes = builder.objectRef<Awaited<ReturnType<typeof q.reactivationOutcomes>>>("ReactivationOutcomes").implement({
  fields: (t) => ({
    opened: t.exposeInt("opened"),
    wonBack: t.exposeInt("wonBack"),
    lost: t.exposeInt("lost"),
    stillOpen: t.exposeInt("stillOpen"),
    winBackRate: t.float({ nullable: true, description: "Won back / opened, 0..1", resolve: (r) => rate(r.wonBack, r.opened) }),
    churnReasons: t.field({ type: [ChurnReasonCount], resolve: (r) => r.reasons }),
  }),
});

builder.queryField("reactivationOutcomes", (t) =>
  t.field({
    type: ReactivationOutcomes,
    description: "Entries opened in the period and what became of them. Managers see their own entries.",
    args: { period: t.arg({ type: PeriodInput, required: true }) },
    resolve: (_r, args, ctx) => q.reactivationOutcomes(ctx.prisma, authed(ctx).viewer.organizationId, validatePeriod(args.period), ownScope(ctx)),
  }),
);

