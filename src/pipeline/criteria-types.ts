import { builder } from "../graphql/builder.js";
import { encodeId } from "../graphql/global-id.js";
import { ActivityOutcomeEnum, ActivityTypeEnum } from "../activities/schema.js";
import { TaskTypeEnum } from "../tasks/schema.js";
import { CLIENT_CARD_FIELDS, type CriterionCheck, type ExitCriterion, type UnmetCriterion } from "./criteria.js";
import type { StageRef } from "./errors.js";

type Rule<K extends ExitCriterion["kind"]> = Extract<ExitCriterion, { kind: K }>;

export const ExitCriterionKindEnum = builder.enumType("ExitCriterionKind", {
  values: ["FIELD_FILLED", "CUSTOM_FIELD_FILLED", "DECISION_MAKERS_WITH_DIRECT_PHONE", "ACTIVITY_SINCE_STAGE_ENTRY", "OPEN_TASK_WITH_DUE_TIME", "ORDER_PAID", "ACCOUNT_MANAGER_ASSIGNED"] as const,
});

const constantCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** GraphQL names are CONSTANT_CASE; the stored criteria use the Client field names (e.g. BUSINESS_DESCRIPTION ↔ businessDescription). */
export const ClientCardFieldEnum = builder.enumType("ClientCardField", {
  values: Object.fromEntries(CLIENT_CARD_FIELDS.map((field) => [constantCase(field), { value: field }])) as Record<string, { value: (typeof CLIENT_CARD_FIELDS)[number] }>,
});

const ExitCriterionRef = builder.interfaceRef<ExitCriterion>("ExitCriterion").implement({
  description: "One rule that must hold before a client leaves the stage forward",
  resolveType: (rule) => `${rule.kind.split("_").map((w) => w[0] + w.slice(1).toLowerCase()).join("")}Criterion`,
  fields: (t) => ({
    key: t.exposeString("key", {
      description: "Names the criterion within its stage (e.g. \"lead.website\"), as reported in unmet lists; not a global id",
    }),
    kind: t.expose("kind", { type: ExitCriterionKindEnum }),
    message: t.string({ nullable: true, description: "Custom text shown when unmet; null uses the default", resolve: (r) => r.message ?? null }),
  }),
});

builder.objectRef<Rule<"FIELD_FILLED">>("FieldFilledCriterion").implement({
  description: "A card field is filled in",
  interfaces: [ExitCriterionRef],
  fields: (t) => ({ field: t.expose("field", { type: ClientCardFieldEnum }) }),
});
builder.objectRef<Rule<"CUSTOM_FIELD_FILLED">>("CustomFieldFilledCriterion").implement({
  description: "A custom client field has a value",
  interfaces: [ExitCriterionRef],
  fields: (t) => ({ customFieldKey: t.exposeString("customFieldKey", { description: "The custom client field that must have a value" }) }),
});
builder.objectRef<Rule<"DECISION_MAKERS_WITH_DIRECT_PHONE">>("DecisionMakersWithDirectPhoneCriterion").implement({
  description: "At least minCount current decision-maker contacts with a direct phone (and, if required, a full name of two or more words)",
  interfaces: [ExitCriterionRef],
  fields: (t) => ({ minCount: t.exposeInt("minCount"), requireFullName: t.exposeBoolean("requireFullName") }),
});
builder.objectRef<Rule<"ACTIVITY_SINCE_STAGE_ENTRY">>("ActivitySinceStageEntryCriterion").implement({
  description: "An activity of one of the types (with the outcome, if given) logged since the client entered its current stage",
  interfaces: [ExitCriterionRef],
  fields: (t) => ({
    activityTypes: t.field({ type: [ActivityTypeEnum], resolve: (r) => r.activityTypes }),
    outcome: t.field({ type: ActivityOutcomeEnum, nullable: true, description: "Only activities with this outcome count; null: any", resolve: (r) => r.outcome ?? null }),
  }),
});
builder.objectRef<Rule<"OPEN_TASK_WITH_DUE_TIME">>("OpenTaskWithDueTimeCriterion").implement({
  description: "An open task of the type with a due time",
  interfaces: [ExitCriterionRef],
  fields: (t) => ({ taskType: t.expose("taskType", { type: TaskTypeEnum }) }),
});
builder.objectRef<Rule<"ORDER_PAID">>("OrderPaidCriterion").implement({
  description: "An order is paid and not cancelled",
  interfaces: [ExitCriterionRef],
  fields: (t) => ({
    sinceStageEntry: t.exposeBoolean("sinceStageEntry", { description: "Only orders paid since the client entered its current stage count" }),
  }),
});

builder.objectRef<Rule<"ACCOUNT_MANAGER_ASSIGNED">>("AccountManagerAssignedCriterion").implement({
  description: "The client is handed over to an account manager (an active user set as `Client.accountManager`)",
  interfaces: [ExitCriterionRef],
  fields: () => ({}),
});

export { ExitCriterionRef };

export const ExitCriterionInput = builder.inputType("ExitCriterionInput", {
  description: "One rule; which fields are required depends on `kind` (validated on the server)",
  fields: (t) => ({
    key: t.string({ required: true, description: "Names the criterion within the stage: 1-64 letters, digits, '_', '-' or '.'" }),
    kind: t.field({ type: ExitCriterionKindEnum, required: true }),
    message: t.string(),
    field: t.field({ type: ClientCardFieldEnum, description: "FIELD_FILLED" }),
    customFieldKey: t.string({ description: "CUSTOM_FIELD_FILLED: the custom client field key" }),
    minCount: t.int({ description: "DECISION_MAKERS_WITH_DIRECT_PHONE" }),
    requireFullName: t.boolean({ description: "DECISION_MAKERS_WITH_DIRECT_PHONE (default true)" }),
    activityTypes: t.field({ type: [ActivityTypeEnum], description: "ACTIVITY_SINCE_STAGE_ENTRY" }),
    outcome: t.field({ type: ActivityOutcomeEnum, description: "ACTIVITY_SINCE_STAGE_ENTRY, optional" }),
    taskType: t.field({ type: TaskTypeEnum, description: "OPEN_TASK_WITH_DUE_TIME" }),
    sinceStageEntry: t.boolean({ description: "ORDER_PAID (default false)" }),
  }),
});

/** Drops GraphQL nulls so the zod schema sees exactly the stored JSON shape. */
export function criterionInputToJson(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}

type StageCheck = CriterionCheck & { stage: StageRef };
type StageUnmet = UnmetCriterion & { stage: StageRef };

export const UnmetCriterionRef = builder.objectRef<StageUnmet>("UnmetCriterion").implement({
  description: "An exit criterion a move needs and the client does not meet yet. It has no id: it belongs to its client's answer",
  fields: (t) => ({
    key: t.exposeString("key", { description: "The criterion's key within its stage (ExitCriterion.key)" }),
    kind: t.expose("kind", { type: ExitCriterionKindEnum }),
    message: t.exposeString("message", { description: "Human-readable, e.g. \"Website must be filled in\"" }),
    field: t.exposeString("field", { description: "What to fill in, relative to the client: \"website\", \"customFields.budget\", \"employments\"..." }),
    stageId: t.id({ description: "The stage whose exit this criterion guards", resolve: (c) => encodeId("Stage", c.stage.id) }),
    stageName: t.string({ resolve: (c) => c.stage.name }),
  }),
});

/** The readiness checklist: the same items as UnmetCriterion, met or not. */
export const CriterionCheckRef = builder.objectRef<StageCheck>("CriterionCheck").implement({
  description: "One line of a client's stage checklist. It has no id: `met` belongs to this client, so caches keep it under its readiness",
  fields: (t) => ({
    key: t.exposeString("key", { description: "The criterion's key within its stage (ExitCriterion.key)" }),
    kind: t.expose("kind", { type: ExitCriterionKindEnum }),
    message: t.exposeString("message"),
    field: t.exposeString("field"),
    stageId: t.id({ resolve: (c) => encodeId("Stage", c.stage.id) }),
    stageName: t.string({ resolve: (c) => c.stage.name }),
    met: t.exposeBoolean("met"),
  }),
});
