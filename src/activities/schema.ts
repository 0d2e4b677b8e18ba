import { selection } from "../shared/selection.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { COMMON_ERRORS } from "../graphql/error-types.js";
import { NotFoundError } from "../graphql/errors.js";
import { assertCanEditClient } from "../shared/access.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { parseInput } from "../shared/validate.js";
import { createFollowUps } from "../tasks/apply-followups.js";

export const ActivityTypeEnum = builder.enumType("ActivityType", {
  values: [
    "NOTE", "CALL", "MEETING", "EMAIL", "PROPOSAL_SENT", "INVOICE_ISSUED", "PAYMENT_RECEIVED", "CONTRACT_SIGNED", "VERBAL_AGREEMENT", "OTHER",
  ] as const,
});

builder.prismaNode("Activity", {
  ...tenantNode,
  fields: (t) => ({
    type: t.expose("type", { type: ActivityTypeEnum }),
    outcome: t.exposeString("outcome", { nullable: true, description: "e.g. \"interested\" for a call or meeting" }),
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
  outcome: z.string().trim().max(100).nullish(),
  body: z.string().max(20000, "must be at most 20000 characters").nullish(),
});

builder.mutationField("logActivity", (t) =>
  t.prismaField({
    type: "Activity",
    description: "Adds an entry to a client's timeline (note, call, meeting, proposal sent, invoice issued...).",
    errors: { types: COMMON_ERRORS, dataField: { name: "activity" } },
    args: {
      input: t.arg({
        type: builder.inputType("LogActivityInput", {
          fields: (f) => ({
            clientId: f.id({ required: true }),
            type: f.field({ type: ActivityTypeEnum, required: true }),
            outcome: f.string(),
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
            outcome: data.outcome ?? null,
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
