/**
 * Exit criteria: typed data stored on each stage (Stage.exitCriteria), evaluated against a plain snapshot of a
 * client's facts. Pure TypeScript: no database, no GraphQL, so every path (API, import, automation) shares it.
 */
import { z } from "zod";
import { ACTIVITY_OUTCOMES, type ActivityOutcome } from "../activities/outcomes.js";

export const CLIENT_CARD_FIELDS = [
  "name", "website", "phone", "email", "businessDescription", "targetAudience", "competitors", "problemsFound", "proposedSolutions",
] as const;
export type ClientCardField = (typeof CLIENT_CARD_FIELDS)[number];

export const ACTIVITY_TYPES = [
  "NOTE", "CALL", "MEETING", "EMAIL", "PROPOSAL_SENT", "INVOICE_ISSUED", "PAYMENT_RECEIVED", "CONTRACT_SIGNED", "VERBAL_AGREEMENT", "OTHER",
] as const;
export const TASK_TYPES = ["CALL", "FOLLOW_UP", "MEETING", "PAYMENT_CHASE", "REACTIVATION_CALL", "EMAIL", "OTHER"] as const;
type ActivityType = (typeof ACTIVITY_TYPES)[number];
type TaskType = (typeof TASK_TYPES)[number];

const FIELD_LABELS: Record<ClientCardField, string> = {
  name: "Name", website: "Website", phone: "Phone", email: "Email", businessDescription: "Business description",
  targetAudience: "Target audience", competitors: "Competitors", problemsFound: "Problems found", proposedSolutions: "Proposed solutions",
};

/** Names the criterion within its stage (e.g. "lead.website"); not an id: every pipeline made from a template shares it. */
const key = z.string().trim().regex(/^[a-z0-9_.-]{1,64}$/i, "must be 1-64 letters, digits, '_', '-' or '.'");
const message = z.string().trim().min(1).max(300).optional();

/** Validates criteria an admin submits (and what is read back from the database). */
export const exitCriterionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("FIELD_FILLED"), key, message, field: z.enum(CLIENT_CARD_FIELDS) }).strict(),
  z.object({ kind: z.literal("CUSTOM_FIELD_FILLED"), key, message, customFieldKey: z.string().trim().min(1).max(64) }).strict(),
  z.object({
    kind: z.literal("DECISION_MAKERS_WITH_DIRECT_PHONE"), key, message,
    minCount: z.number().int().min(1).max(20),
    /** "Full name" = at least two words (ФИО); a bare first name is not enough to call the director. */
    requireFullName: z.boolean().default(true),
  }).strict(),
  z.object({
    kind: z.literal("ACTIVITY_SINCE_STAGE_ENTRY"), key, message,
    activityTypes: z.array(z.enum(ACTIVITY_TYPES)).min(1).max(10),
    outcome: z.enum(ACTIVITY_OUTCOMES).optional(),
  }).strict(),
  z.object({ kind: z.literal("OPEN_TASK_WITH_DUE_TIME"), key, message, taskType: z.enum(TASK_TYPES) }).strict(),
  z.object({ kind: z.literal("ORDER_PAID"), key, message, sinceStageEntry: z.boolean().default(false) }).strict(),
  /** The seed's hand-over: "the project is handed to an account manager" before a deal counts as won. */
  z.object({ kind: z.literal("ACCOUNT_MANAGER_ASSIGNED"), key, message }).strict(),
]);

export const exitCriteriaSchema = z.array(exitCriterionSchema).max(30).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.key)) ctx.addIssue({ code: "custom", path: [index, "key"], message: `duplicate criterion key "${rule.key}"` });
    seen.add(rule.key);
  });
});

export type ExitCriterion = z.output<typeof exitCriterionSchema>;
export type ExitCriterionKind = ExitCriterion["kind"];

/** Everything the rules look at, gathered for one client (see facts.ts). */
export interface ClientFacts {
  card: Record<ClientCardField, string | null>;
  customFields: Record<string, unknown>;
  /** Current (not ended) decision-maker employments. */
  decisionMakers: { contactId: string; fullName: string; directPhone: string | null }[];
  /** Activities that occurred since the client entered its current stage. */
  activitiesSinceEntry: { type: string; outcome: ActivityOutcome | null }[];
  openTasks: { type: string; dueAt: Date | null }[];
  /** Orders that are paid and not cancelled. */
  paidOrders: { paidAt: Date }[];
  stageEnteredAt: Date | null;
  /** An active user of the organization is set as the client's account manager. */
  hasAccountManager: boolean;
}

export interface CriterionCheck {
  key: string;
  kind: ExitCriterionKind;
  message: string;
  /** Path of what to fill in, relative to the client, e.g. "website" or "customFields.budget". */
  field: string;
  met: boolean;
}

export type UnmetCriterion = Omit<CriterionCheck, "met">;

const filled = (value: unknown): boolean =>
  value !== null && value !== undefined && !(typeof value === "string" && value.trim() === "") && !(Array.isArray(value) && value.length === 0);

const isFullName = (name: string) => name.trim().split(/\s+/).filter(Boolean).length >= 2;

function checkOne(rule: ExitCriterion, facts: ClientFacts): Omit<CriterionCheck, "key" | "kind" | "message"> & { defaultMessage: string } {
  switch (rule.kind) {
    case "FIELD_FILLED":
      return { field: rule.field, met: filled(facts.card[rule.field]), defaultMessage: `${FIELD_LABELS[rule.field]} must be filled in` };
    case "CUSTOM_FIELD_FILLED":
      return { field: `customFields.${rule.customFieldKey}`, met: filled(facts.customFields[rule.customFieldKey]), defaultMessage: `Custom field "${rule.customFieldKey}" must be filled in` };
    case "DECISION_MAKERS_WITH_DIRECT_PHONE": {
      const qualified = new Set(
        facts.decisionMakers
          .filter((dm) => filled(dm.directPhone) && (!rule.requireFullName || isFullName(dm.fullName)))
          .map((dm) => dm.contactId),
      );
      const what = rule.requireFullName ? "with a full name and a direct phone" : "with a direct phone";
      return {
        field: "employments",
        met: qualified.size >= rule.minCount,
        defaultMessage: `${rule.minCount === 1 ? "A decision-maker" : `${rule.minCount} decision-makers`} ${what} must be recorded (found ${qualified.size})`,
      };
    }
    case "ACTIVITY_SINCE_STAGE_ENTRY": {
      const types = rule.activityTypes.join(" or ");
      const met = facts.activitiesSinceEntry.some(
        (a) => rule.activityTypes.includes(a.type as ActivityType) && (rule.outcome === undefined || a.outcome === rule.outcome),
      );
      const outcome = rule.outcome ? ` with outcome ${rule.outcome}` : "";
      return { field: "activities", met, defaultMessage: `An activity of type ${types}${outcome} must be logged since entering the stage` };
    }
    case "OPEN_TASK_WITH_DUE_TIME":
      return {
        field: "tasks",
        met: facts.openTasks.some((t) => t.type === (rule.taskType satisfies TaskType) && t.dueAt !== null),
        defaultMessage: `An open ${rule.taskType} task with a due time must be scheduled`,
      };
    case "ORDER_PAID": {
      const since = facts.stageEnteredAt;
      const paid = facts.paidOrders.filter((o) => !rule.sinceStageEntry || since === null || o.paidAt >= since);
      return {
        field: "orders",
        met: paid.length > 0,
        defaultMessage: rule.sinceStageEntry ? "An order must be paid since entering the stage" : "An order must be paid",
      };
    }
    case "ACCOUNT_MANAGER_ASSIGNED":
      return { field: "accountManager", met: facts.hasAccountManager, defaultMessage: "The client must be handed over to an account manager" };
  }
}

/** The full checklist: every rule with whether it holds. */
export function checkCriteria(rules: readonly ExitCriterion[], facts: ClientFacts): CriterionCheck[] {
  return rules.map((rule) => {
    const { defaultMessage, ...result } = checkOne(rule, facts);
    return { key: rule.key, kind: rule.kind, message: rule.message ?? defaultMessage, ...result };
  });
}

/** Only what is missing; an empty list means the stage may be left forward. */
export function evaluateCriteria(rules: readonly ExitCriterion[], facts: ClientFacts): UnmetCriterion[] {
  return checkCriteria(rules, facts)
    .filter((check) => !check.met)
    .map(({ met: _met, ...unmet }) => unmet);
}

/**
 * Reads criteria stored in the database. Stored data passed validation when written, so a failure here means
 * someone edited the row by hand: refuse loudly rather than let a broken rule silently pass.
 */
export function parseStoredCriteria(value: unknown, stageId: string): ExitCriterion[] {
  const parsed = exitCriteriaSchema.safeParse(value ?? []);
  if (!parsed.success) throw new Error(`Stage ${stageId} has invalid exit criteria: ${parsed.error.message}`);
  return parsed.data;
}
