import { z } from "zod";
import { authed } from "../context.js";
import { ActivityTypeEnum } from "../activities/schema.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../graphql/errors.js";
import { idOf } from "../shared/ids.js";
import { encodeId } from "../graphql/global-id.js";
import { organizationScopedId } from "../graphql/organization-scoped-id.js";
import { selection } from "../shared/selection.js";
import { parseInput } from "../shared/validate.js";
import { DEFAULT_ESCALATION_AFTER_MINUTES } from "./followups.js";
import { TaskTypeEnum } from "./schema.js";

const TriggerEnum = builder.enumType("FollowUpTrigger", {
  values: {
    ACTIVITY_LOGGED: { description: "An activity of `activityType` was logged (e.g. PROPOSAL_SENT)" },
    STAGE_ENTERED: { description: "A client entered `stage`" },
    ORDER_INVOICED: { description: "An order was invoiced; with repeatEveryMinutes it repeats until the order is paid or cancelled" },
  } as const,
});

builder.prismaNode("FollowUpRule", {
  ...tenantNode,
  fields: (t) => ({
    name: t.exposeString("name"),
    trigger: t.expose("trigger", { type: TriggerEnum }),
    activityType: t.expose("activityType", { type: ActivityTypeEnum, nullable: true }),
    stageId: t.id({
      nullable: true,
      description: "STAGE_ENTERED: the Stage's global id, as `node(id:)` and `saveFollowUpRule` take it",
      select: { stageId: true },
      resolve: (r) => (r.stageId ? encodeId("Stage", r.stageId) : null),
    }),
    taskType: t.expose("taskType", { type: TaskTypeEnum }),
    taskTitle: t.exposeString("taskTitle"),
    delayMinutes: t.exposeInt("delayMinutes"),
    repeatEveryMinutes: t.exposeInt("repeatEveryMinutes", { nullable: true }),
    active: t.exposeBoolean("active"),
  }),
});

builder.queryField("followUpRules", (t) =>
  t.prismaField({
    type: ["FollowUpRule"],
    resolve: (query, _r, _a, ctx) =>
      ctx.prisma.followUpRule.findMany({ ...selection(query), where: { organizationId: authed(ctx).viewer.organizationId }, orderBy: { createdAt: "asc" } }),
  }),
);

const WEEK = 7 * 24 * 60;
const ruleSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(200),
    trigger: z.enum(["ACTIVITY_LOGGED", "STAGE_ENTERED", "ORDER_INVOICED"]),
    activityType: z.string().nullish(),
    stageId: z.string().nullish(),
    taskType: z.string(),
    taskTitle: z.string().trim().min(1, "is required").max(200),
    delayMinutes: z.number().int().min(0, "cannot be negative").max(365 * 24 * 60, "at most a year"),
    repeatEveryMinutes: z.number().int().min(60, "at least 60 minutes").max(52 * WEEK).nullish(),
    active: z.boolean().nullish(),
  })
  .refine((r) => r.trigger !== "ACTIVITY_LOGGED" || r.activityType, { path: ["activityType"], message: "is required for ACTIVITY_LOGGED" })
  .refine((r) => r.trigger !== "STAGE_ENTERED" || r.stageId, { path: ["stageId"], message: "is required for STAGE_ENTERED" })
  .refine((r) => r.trigger === "ORDER_INVOICED" || !r.repeatEveryMinutes, { path: ["repeatEveryMinutes"], message: "only ORDER_INVOICED rules repeat" });

const RuleInput = builder.inputType("FollowUpRuleInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    trigger: t.field({ type: TriggerEnum, required: true }),
    activityType: t.field({ type: ActivityTypeEnum }),
    stageId: t.id(),
    taskType: t.field({ type: TaskTypeEnum, required: true }),
    taskTitle: t.string({ required: true }),
    delayMinutes: t.int({ required: true }),
    repeatEveryMinutes: t.int(),
    active: t.boolean(),
  }),
});

builder.mutationFields((t) => ({
  saveFollowUpRule: t.prismaField({
    type: "FollowUpRule",
    description: "ADMIN: creates a rule, or replaces one when `id` is given.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "rule" } },
    args: { id: t.arg.id(), input: t.arg({ type: RuleInput, required: true }) },
    resolve: async (query, _r, args, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const rule = parseInput(ruleSchema, args.input);
      const stageId = rule.stageId ? idOf(rule.stageId, "Stage", "input.stageId") : null;
      if (stageId && !(await ctx.prisma.stage.findFirst({ where: { id: stageId, organizationId } }))) {
        throw ValidationError.field("input.stageId", "is not a stage of your organization");
      }
      const data = {
        name: rule.name,
        trigger: rule.trigger,
        activityType: rule.trigger === "ACTIVITY_LOGGED" ? args.input.activityType ?? null : null,
        stageId: rule.trigger === "STAGE_ENTERED" ? stageId : null,
        taskType: args.input.taskType,
        taskTitle: rule.taskTitle,
        delayMinutes: rule.delayMinutes,
        repeatEveryMinutes: rule.repeatEveryMinutes ?? null,
        active: rule.active ?? true,
      };
      if (!args.id) return ctx.prisma.followUpRule.create({ ...selection(query), data: { ...data, organizationId } });
      const id = idOf(args.id, "FollowUpRule", "id");
      const { count } = await ctx.prisma.followUpRule.updateMany({ where: { id, organizationId }, data });
      if (count === 0) throw new NotFoundError("FollowUpRule", args.id);
      return ctx.prisma.followUpRule.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
}));

const ReminderSettings = builder.objectRef<{ escalationAfterMinutes: number }>("ReminderSettings").implement({
  description: "When overdue tasks escalate to heads of sales",
  fields: (t) => ({ id: t.id(organizationScopedId("ReminderSettings")), escalationAfterMinutes: t.exposeInt("escalationAfterMinutes", { description: "Overdue this long, a task escalates to heads of sales" }) }),
});

export function readEscalationAfter(settings: unknown): number {
  const value = (settings as { reminders?: { escalationAfterMinutes?: unknown } } | null)?.reminders?.escalationAfterMinutes;
  return typeof value === "number" ? value : DEFAULT_ESCALATION_AFTER_MINUTES;
}

builder.queryField("reminderSettings", (t) =>
  t.field({
    type: ReminderSettings,
    resolve: async (_r, _a, ctx) => {
      const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: authed(ctx).viewer.organizationId } });
      return { escalationAfterMinutes: readEscalationAfter(org.settings) };
    },
  }),
);

builder.mutationField("updateReminderSettings", (t) =>
  t.field({
    type: ReminderSettings,
    description: "ADMIN only.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "settings" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateReminderSettingsInput", { fields: (f) => ({ escalationAfterMinutes: f.int({ required: true }) }) }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const { escalationAfterMinutes } = parseInput(z.object({ escalationAfterMinutes: z.number().int().min(1, "at least 1 minute").max(30 * 24 * 60, "at most 30 days") }), input);
      await ctx.prisma.$executeRaw`
        UPDATE "Organization"
        SET settings = settings || jsonb_build_object('reminders', COALESCE(settings->'reminders', '{}'::jsonb) || jsonb_build_object('escalationAfterMinutes', ${escalationAfterMinutes}::int))
        WHERE id = ${authed(ctx).viewer.organizationId}::uuid`;
      return { escalationAfterMinutes };
    },
  }),
);
