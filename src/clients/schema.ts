import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { selection } from "../shared/selection.js";
import { rootList } from "../compiled-reads/root-list.js";
import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { isSupervisor } from "../shared/access.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { AbcClassEnum, ClientKindEnum, ClientFilterInput, ClientOrderInput, clientOrderBy, clientWhere } from "./filters.js";
import { createClient, deleteClient, reassignClient, updateClient } from "./service.js";

const ChannelSourceEnum = builder.enumType("ChannelSource", {
  values: {
    MANUAL: { description: "Chosen by a person; a tracked call never overrides it" },
    TRACKED_CALL: { description: "First touch: the channel of the client's first tracked call, set because the card had none" },
  } as const,
});

builder.prismaNode("Client", {
  ...tenantNode,
  select: { id: true }, // select mode: load only the columns the query asks for
  fields: (t) => ({
    kind: t.expose("kind", { type: ClientKindEnum }),
    name: t.exposeString("name"),
    externalId: t.exposeString("externalId", { nullable: true, description: "The client's id in the system it was imported from; re-imports match on it" }),
    website: t.exposeString("website", { nullable: true }),
    phone: t.exposeString("phone", { nullable: true }),
    email: t.exposeString("email", { nullable: true }),
    businessDescription: t.exposeString("businessDescription", { nullable: true, description: "What they sell, their market" }),
    targetAudience: t.exposeString("targetAudience", { nullable: true }),
    competitors: t.exposeString("competitors", { nullable: true }),
    problemsFound: t.exposeString("problemsFound", { nullable: true, description: "Problems found, e.g. on their website" }),
    proposedSolutions: t.exposeString("proposedSolutions", { nullable: true }),
    owner: t.relation("owner", { nullable: true, description: "The responsible manager" }),
    channel: t.relation("channel", {
      nullable: true,
      description: "The marketing channel the client came from: set by hand, or by the client's first tracked call when the card had none",
    }),
    channelSource: t.expose("channelSource", { type: ChannelSourceEnum, nullable: true, description: "How `channel` was set; null when there is none" }),
    accountManager: t.relation("accountManager", {
      nullable: true,
      description: "Who looks after the client after the sale (the hand-over the Closing stage requires)",
    }),
    stage: t.relation("stage", { nullable: true }),
    stageEnteredAt: t.expose("stageEnteredAt", { type: "DateTime", nullable: true }),
    abcClass: t.field({
      type: AbcClassEnum,
      nullable: true,
      description:
        "Class at the last ABC recalculation. null: no revenue in the window. ABC ranks shares of revenue, and a client with none has no share; counting them in C would bury real small buyers among prospects.",
      select: { abcClass: true },
      resolve: (c) => (c.abcClass === "A" || c.abcClass === "B" || c.abcClass === "C" ? c.abcClass : null),
    }),
    customFields: t.expose("customFields", { type: "JSON", description: "Values of the organization's custom client fields, by key" }),
    version: t.exposeInt("version", { description: "Pass as expectedVersion when updating (optimistic concurrency)" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    employments: t.relatedConnection("employments", {
      cursor: "id",
      totalCount: true,
      description: "People at this client, current first; former employees stay in the history",
      args: { current: t.arg.boolean({ description: "true: only current; false: only former" }) },
      query: (args) => ({
        where: args.current == null ? {} : args.current ? { endedAt: null } : { endedAt: { not: null } },
        orderBy: [{ endedAt: { sort: "desc", nulls: "first" } }, { startedAt: "desc" }, { id: "asc" }],
      }),
    }),
    decisionMakerCount: t.relationCount("employments", { where: { isDecisionMaker: true, endedAt: null } }),
    activities: t.relatedConnection("activities", {
      cursor: "id",
      totalCount: true,
      description: "The interaction timeline, newest first",
      query: () => ({ orderBy: [{ occurredAt: "desc" }, { id: "desc" }] }),
    }),
    activityCount: t.relationCount("activities"),
  }),
});

builder.queryField("clients", (t) =>
  t.prismaConnection({
    type: "Client",
    cursor: "id",
    args: {
      filter: t.arg({ type: ClientFilterInput }),
      orderBy: t.arg({ type: ClientOrderInput }),
    },
    ...rootList<{ filter?: typeof ClientFilterInput.$inferInput | null; orderBy?: typeof ClientOrderInput.$inferInput | null }>({
      model: "Client",
      where: (args, ctx) => clientWhere(ctx.viewer!.organizationId, args.filter),
      orderBy: (args) => clientOrderBy(args.orderBy),
    }),
  }),
);

type InputFields = Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0];
const cardFields = (t: InputFields) => ({
  kind: t.field({ type: ClientKindEnum }),
  website: t.field({ type: "URL" }),
  phone: t.field({ type: "PhoneNumber" }),
  email: t.field({ type: "EmailAddress" }),
  businessDescription: t.string(),
  targetAudience: t.string(),
  competitors: t.string(),
  problemsFound: t.string(),
  proposedSolutions: t.string(),
  customFields: t.field({ type: "JSON", description: "Custom field values by key; null removes a value" }),
});

const CreateClientInput = builder.inputType("CreateClientInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    ...cardFields(t),
    ownerId: t.id({ description: "Defaults to the caller for managers" }),
    channelId: t.id({ description: "Chosen by hand (channelSource MANUAL)" }),
    accountManagerId: t.id({ description: "The account manager (an active user)" }),
  }),
});

const UpdateClientInput = builder.inputType("UpdateClientInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    expectedVersion: t.int({ required: true }),
    name: t.string(),
    ...cardFields(t),
    channelId: t.id({ description: "A manual choice wins over the tracked-call attribution; null clears it" }),
    accountManagerId: t.id({ description: "Hands the client over to an account manager (an active user); null clears it" }),
  }),
});

builder.mutationFields((t) => ({
  createClient: t.prismaField({
    type: "Client",
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "client" } },
    args: { input: t.arg({ type: CreateClientInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const ownerId = optionalIdOf(input.ownerId, "User", "input.ownerId") ?? (isSupervisor(viewer) ? null : viewer.userId);
      const client = await createClient(authed(ctx), {
        ...input,
        ownerId,
        channelId: optionalIdOf(input.channelId, "Channel", "input.channelId") ?? null,
        accountManagerId: optionalIdOf(input.accountManagerId, "User", "input.accountManagerId") ?? null,
      });
      return ctx.prisma.client.findUniqueOrThrow({ ...selection(query), where: { id: client.id } });
    },
  }),
  updateClient: t.prismaField({
    type: "Client",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "client" } },
    args: { input: t.arg({ type: UpdateClientInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.id, "Client", "input.id");
      await updateClient(authed(ctx), id, {
        ...input,
        name: input.name ?? undefined,
        channelId: optionalIdOf(input.channelId, "Channel", "input.channelId"),
        accountManagerId: optionalIdOf(input.accountManagerId, "User", "input.accountManagerId"),
      });
      return ctx.prisma.client.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  reassignClient: t.prismaField({
    type: "Client",
    description: "Hands a client to another manager (heads of sales; managers may take unowned clients). History stays with the client.",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "client" } },
    args: {
      input: t.arg({
        type: builder.inputType("ReassignClientInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            ownerId: f.id({ description: "null leaves the client unowned" }),
            expectedVersion: f.int({ required: true }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.id, "Client", "input.id");
      await reassignClient(authed(ctx), id, optionalIdOf(input.ownerId, "User", "input.ownerId") ?? null, input.expectedVersion);
      return ctx.prisma.client.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
  deleteClient: t.field({
    type: "ID",
    description: "Deletes a client with its timeline. Heads of sales and admins only. Returns the deleted id.",
    authScopes: { headOfSales: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "deletedId" } },
    args: {
      input: t.arg({
        type: builder.inputType("DeleteClientInput", {
          fields: (f) => ({ id: f.id({ required: true }), expectedVersion: f.int({ required: true }) }),
        }),
        required: true,
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      await deleteClient(authed(ctx), idOf(input.id, "Client", "input.id"), input.expectedVersion);
      return input.id;
    },
  }),
}));
