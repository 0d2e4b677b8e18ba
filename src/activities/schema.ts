import { selection } from "../shared/selection.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../graphql/errors.js";
import { assertCanEditClient } from "../shared/access.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { parseInput } from "../shared/validate.js";
import { createFollowUps } from "../tasks/apply-followups.js";
import { ACTIVITY_OUTCOMES, LANGUAGES, OUTCOME_LABELS, outcomeOptions, type ActivityOutcome, type Language } from "./outcomes.js";

export const ActivityTypeEnum = builder.enumType("ActivityType", {
  values: [
    "NOTE", "CALL", "MEETING", "EMAIL", "PROPOSAL_SENT", "INVOICE_ISSUED", "PAYMENT_RECEIVED", "CONTRACT_SIGNED", "VERBAL_AGREEMENT", "OTHER",
  ] as const,
});

export const ActivityOutcomeEnum = builder.enumType("ActivityOutcome", {
  description: "The result of a call or meeting; exit criteria refer to these values",
  values: Object.fromEntries(ACTIVITY_OUTCOMES.map((v) => [v, { description: OUTCOME_LABELS[v].en }])) as Record<ActivityOutcome, { description: string }>,
});

export const LanguageEnum = builder.enumType("Language", {
  description: "A language labels are offered in",
  values: Object.fromEntries(LANGUAGES.map((l) => [l.toUpperCase(), { value: l }])) as Record<Uppercase<Language>, { value: Language }>,
});

export const ActivityOutcomeOptionRef = builder.objectRef<{ value: ActivityOutcome; label: string }>("ActivityOutcomeOption").implement({
  description: "One entry of an outcome picker",
  fields: (t) => ({
    value: t.field({ type: ActivityOutcomeEnum, description: "What to send as `outcome`", resolve: (o) => o.value }),
    label: t.exposeString("label", { description: "What to show, in the requested language" }),
  }),
});

builder.queryField("activityOutcomes", (t) =>
  t.field({
    type: [ActivityOutcomeOptionRef],
    description: "Every call/meeting outcome with its label; `Pipeline.activityOutcomes` gives them in a pipeline's language",
    args: { language: t.arg({ type: LanguageEnum, defaultValue: "en" }) },
    resolve: (_root, args) => outcomeOptions(args.language ?? "en"),
  }),
);

builder.prismaNode("Activity", {
  ...tenantNode,
  fields: (t) => ({
    type: t.expose("type", { type: ActivityTypeEnum }),
    outcome: t.expose("outcome", { type: ActivityOutcomeEnum, nullable: true, description: "How a call or meeting went" }),
    body: t.exposeString("body"),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    client: t.relation("client"),
    contact: t.relation("contact", { nullable: true }),
    author: t.relation("author", { nullable: true }),
  }),
});

const activitySchema = z.object({
  type: z.string(),
  body: z.string().max(20000, "must be at most 20000 characters").nullish(),
});

builder.mutationField("logActivity", (t) =>
  t.prismaField({
    type: "Activity",
    description: "Adds an entry to a client's timeline (note, call, meeting, proposal sent, invoice issued...).",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "activity" } },
    args: {
      input: t.arg({
        type: builder.inputType("LogActivityInput", {
          fields: (f) => ({
            clientId: f.id({ required: true }),
            type: f.field({ type: ActivityTypeEnum, required: true }),
            outcome: f.field({ type: ActivityOutcomeEnum, description: "How a call or meeting went (see `activityOutcomes` for labels)" }),
            body: f.string(),
            contactId: f.id(),
            occurredAt: f.field({ type: "DateTime", description: "Defaults to now; may be in the past" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const data = parseInput(activitySchema, input);
      const clientId = idOf(input.clientId, "Client", "input.clientId");
      const contactId = optionalIdOf(input.contactId, "Contact", "input.contactId");
      const client = await ctx.prisma.client.findFirst({ where: { id: clientId, organizationId: viewer.organizationId } });
      if (!client) throw new NotFoundError("Client", input.clientId);
      assertCanEditClient(viewer, client);
      if (contactId) {
        const contact = await ctx.prisma.contact.findFirst({ where: { id: contactId, organizationId: viewer.organizationId } });
        if (!contact) throw new NotFoundError("Contact", input.contactId!);
      }
      const at = input.occurredAt ?? ctx.clock.now();
      return ctx.prisma.$transaction(async (tx) => {
        const activity = await tx.activity.create({
          ...selection(query),
          data: {
            organizationId: viewer.organizationId,
            clientId,
            contactId: contactId ?? null,
            authorId: viewer.userId,
            type: input.type,
            outcome: input.outcome ?? null,
            body: data.body ?? "",
            occurredAt: at,
          },
        });
        // "Proposal sent → call in 2 days": the organization's follow-up rules turn events into tasks.
        await createFollowUps(tx, {
          organizationId: viewer.organizationId, trigger: "ACTIVITY_LOGGED", activityType: input.type, clientId, at, actorId: viewer.userId,
        });
        return activity;
      });
    },
  }),
);
