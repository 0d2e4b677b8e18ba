import { selection } from "../shared/selection.js";
import { rootList } from "../compiled-reads/root-list.js";
import type { CompiledSql } from "../compiled-reads/plan.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import { resolveCustomFields } from "../custom-fields/service.js";
import { idOf } from "../shared/ids.js";
import { parseInput } from "../shared/validate.js";
import { endCurrentEmployments, endEmployment, startEmployment, updateEmployment } from "./employments.js";
import { normalizePhone } from "../shared/phone.js";
import type { Prisma } from "../generated/prisma/client.js";

builder.prismaNode("Contact", {
  ...tenantNode,
  select: { id: true }, // select mode: load only the columns the query asks for
  fields: (t) => ({
    fullName: t.exposeString("fullName"),
    externalId: t.exposeString("externalId", { nullable: true, description: "The person's id in the system they were imported from; re-imports match on it" }),
    phones: t.exposeStringList("phones"),
    emails: t.exposeStringList("emails"),
    customFields: t.expose("customFields", { type: "JSON" }),
    version: t.exposeInt("version"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    employments: t.relatedConnection("employments", {
      cursor: "id",
      totalCount: true,
      description: "Every company this person worked at, current first: the history moves with them",
      args: { current: t.arg.boolean({ description: "true: only current; false: only former" }) },
      query: (args) => ({
        where: args.current == null ? {} : args.current ? { endedAt: null } : { endedAt: { not: null } },
        orderBy: [{ endedAt: { sort: "desc", nulls: "first" } }, { startedAt: "desc" }, { id: "asc" }],
      }),
    }),
    activities: t.relatedConnection("activities", {
      cursor: "id",
      totalCount: true,
      query: () => ({ orderBy: [{ occurredAt: "desc" }, { id: "desc" }] }),
    }),
  }),
});

builder.prismaNode("Employment", {
  ...tenantNode,
  select: { id: true }, // select mode: load only the columns the query asks for
  fields: (t) => ({
    contact: t.relation("contact"),
    client: t.relation("client"),
    title: t.exposeString("title", { nullable: true }),
    isDecisionMaker: t.exposeBoolean("isDecisionMaker"),
    directPhone: t.exposeString("directPhone", { nullable: true }),
    version: t.exposeInt("version", { description: "Pass as expectedVersion to updateEmployment" }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
    current: t.boolean({
      select: { endedAt: true },
      resolve: (e) => e.endedAt === null,
      extensions: { compiledSql: (({ column }) => `${column("endedAt")} IS NULL`) satisfies CompiledSql },
    }),
  }),
});

builder.queryField("contacts", (t) =>
  t.prismaConnection({
    type: "Contact",
    cursor: "id",
    args: {
      search: t.arg.string({
        description: "Case-insensitive substring of the name, or an exact phone number (any format) or e-mail address",
      }),
    },
    ...rootList<{ search?: string | null }>({
      model: "Contact",
      where: (args, ctx) => contactWhere(ctx.viewer!.organizationId, args.search),
      orderBy: () => [{ fullName: "asc" }, { id: "asc" }],
    }),
  }),
);

function contactWhere(organizationId: string, search: string | null | undefined): Prisma.ContactWhereInput {
  const term = search?.trim().slice(0, 200);
  if (!term) return { organizationId };
  const phone = normalizePhone(term);
  return {
    organizationId,
    OR: [
      { fullName: { contains: term, mode: "insensitive" } },
      { emails: { has: term.toLowerCase() } },
      ...(phone ? [{ phones: { has: phone } }] : []),
    ],
  };
}

const contactSchema = z.object({
  fullName: z.string().trim().min(1, "is required").max(300),
  phones: z.array(z.string()).max(20, "at most 20 phones").nullish(),
  // Stored lower-case: addresses are compared case-insensitively everywhere, and search matches them exactly.
  emails: z.array(z.string().transform((e) => e.toLowerCase())).max(20, "at most 20 emails").nullish(),
});

const EmploymentInput = builder.inputType("EmploymentInput", {
  fields: (t) => ({
    clientId: t.id({ required: true }),
    title: t.string(),
    isDecisionMaker: t.boolean({ defaultValue: false }),
    directPhone: t.field({ type: "PhoneNumber" }),
    startedAt: t.field({ type: "DateTime", description: "When they started there; defaults to now (history from elsewhere has real dates)" }),
  }),
});

builder.mutationFields((t) => ({
  createContact: t.prismaField({
    type: "Contact",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "contact" } },
    args: {
      input: t.arg({
        type: builder.inputType("CreateContactInput", {
          fields: (f) => ({
            fullName: f.string({ required: true }),
            phones: f.field({ type: ["PhoneNumber"] }),
            emails: f.field({ type: ["EmailAddress"] }),
            customFields: f.field({ type: "JSON" }),
            employment: f.field({ type: EmploymentInput, description: "Optionally start working at a client right away" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const data = parseInput(contactSchema, input);
      const customFields = await resolveCustomFields(ctx.prisma, viewer.organizationId, "CONTACT", {}, input.customFields);
      const contact = await ctx.prisma.$transaction(async (tx) => {
        const created = await tx.contact.create({
          data: { organizationId: viewer.organizationId, fullName: data.fullName, phones: data.phones ?? [], emails: data.emails ?? [], customFields },
        });
        if (input.employment) {
          await startEmployment({ ...ctx, viewer }, tx, created.id, {
            ...input.employment,
            clientId: idOf(input.employment.clientId, "Client", "input.employment.clientId"),
          }, "input.employment");
        }
        return created;
      });
      return ctx.prisma.contact.findUniqueOrThrow({ ...selection(query), where: { id: contact.id } });
    },
  }),
  updateContact: t.prismaField({
    type: "Contact",
    errors: { types: [ValidationError, NotFoundError, VersionConflictError], dataField: { name: "contact" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateContactInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            expectedVersion: f.int({ required: true }),
            fullName: f.string(),
            phones: f.field({ type: ["PhoneNumber"] }),
            emails: f.field({ type: ["EmailAddress"] }),
            customFields: f.field({ type: "JSON" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const organizationId = ctx.viewer!.organizationId;
      const id = idOf(input.id, "Contact", "input.id");
      const current = await ctx.prisma.contact.findFirst({ where: { id, organizationId } });
      if (!current) throw new NotFoundError("Contact", input.id);
      const data = parseInput(contactSchema.partial(), { ...input, fullName: input.fullName ?? undefined });
      const customFields =
        input.customFields === undefined
          ? undefined
          : await resolveCustomFields(ctx.prisma, organizationId, "CONTACT", current.customFields, input.customFields);
      await compareAndSet({
        entity: "Contact", id, expectedVersion: input.expectedVersion,
        write: () => ctx.prisma.contact.updateMany({
          where: { id, organizationId, version: input.expectedVersion },
          data: { fullName: data.fullName, phones: data.phones ?? undefined, emails: data.emails ?? undefined, customFields, version: { increment: 1 } },
        }),
        reread: () => ctx.prisma.contact.findFirst({ where: { id, organizationId }, select: { version: true } }),
      });
      return ctx.prisma.contact.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  addEmployment: t.prismaField({
    type: "Employment",
    description: "Links a contact to a client (a contact may work at several). Moving companies: `endCurrent` ends the old one as the new one starts.",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "employment" } },
    args: {
      input: t.arg({
        type: builder.inputType("AddEmploymentInput", {
          fields: (f) => ({
            contactId: f.id({ required: true }),
            clientId: f.id({ required: true }),
            title: f.string(),
            isDecisionMaker: f.boolean({ defaultValue: false }),
            directPhone: f.field({ type: "PhoneNumber" }),
            startedAt: f.field({ type: "DateTime", description: "When they started there; defaults to now" }),
            endCurrent: f.boolean({ defaultValue: false, description: "Also end the contact's current employments (they moved), as of startedAt" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const contactId = idOf(input.contactId, "Contact", "input.contactId");
      const contact = await ctx.prisma.contact.findFirst({ where: { id: contactId, organizationId: viewer.organizationId } });
      if (!contact) throw new NotFoundError("Contact", input.contactId);
      const employment = await ctx.prisma.$transaction(async (tx) => {
        const clientId = idOf(input.clientId, "Client", "input.clientId");
        if (input.endCurrent) await endCurrentEmployments(tx, contactId, input.startedAt ?? ctx.clock.now());
        return startEmployment({ ...ctx, viewer }, tx, contactId, { ...input, clientId }, "input");
      });
      return ctx.prisma.employment.findUniqueOrThrow({ ...selection(query), where: { id: employment.id } });
    },
  }),
  updateEmployment: t.prismaField({
    type: "Employment",
    description: "Edits an employment in place: title, decision-maker flag, direct phone. Unset fields keep their value; null clears title and phone.",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "employment" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateEmploymentInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            expectedVersion: f.int({ required: true }),
            title: f.string(),
            isDecisionMaker: f.boolean(),
            directPhone: f.field({ type: "PhoneNumber" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.id, "Employment", "input.id");
      await updateEmployment({ ...ctx, viewer: ctx.viewer! }, id, input);
      return ctx.prisma.employment.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  endEmployment: t.prismaField({
    type: "Employment",
    description: "Marks that the contact no longer works at the client; the record and its activities stay.",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "employment" } },
    args: {
      input: t.arg({
        type: builder.inputType("EndEmploymentInput", {
          fields: (f) => ({ id: f.id({ required: true }), endedAt: f.field({ type: "DateTime" }) }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.id, "Employment", "input.id");
      await endEmployment({ ...ctx, viewer: ctx.viewer! }, id, input.endedAt ?? ctx.clock.now());
      return ctx.prisma.employment.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
}));
