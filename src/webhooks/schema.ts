import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import { idOf } from "../shared/ids.js";
import { selection } from "../shared/selection.js";
import { refusedAddress } from "./address-guard.js";
import { WEBHOOK_EVENT_TYPES } from "./event-types.js";
import { newSigningSecret } from "./signing.js";

/** GraphQL enum names for the wire types: CLIENT_STAGE_CHANGED ↔ "client.stage_changed". */
const enumName = (type: string) => type.replace(".", "_").toUpperCase();

const WebhookEventTypeEnum = builder.enumType("WebhookEventType", {
  description: "An event a webhook endpoint can receive; the payload's `type` is the lower-case dotted form (CLIENT_CREATED is \"client.created\")",
  values: Object.fromEntries(Object.entries(WEBHOOK_EVENT_TYPES).map(([type, description]) => [enumName(type), { description, value: type }])) as Record<string, { description: string; value: string }>,
});

const DeliveryStatusEnum = builder.enumType("WebhookDeliveryStatus", {
  description: "Where a delivery is",
  values: {
    PENDING: { description: "Waiting for its first or next attempt" },
    DELIVERED: { description: "The receiver answered 2xx" },
    DEAD: { description: "Every attempt over about a day failed; redeliver it when the receiver is fixed" },
  } as const,
});

builder.prismaObject("WebhookAttempt", {
  description: "One HTTP attempt of a delivery",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime", description: "When it was sent" }),
    statusCode: t.exposeInt("statusCode", { nullable: true, description: "The receiver's HTTP status; null when it never answered" }),
    error: t.exposeString("error", { nullable: true, description: "Why it failed (a status, a timeout, a refused address); null when it succeeded" }),
    latencyMs: t.exposeInt("latencyMs", { description: "From sending to the end of the answer, in milliseconds" }),
  }),
});

builder.prismaNode("WebhookDelivery", {
  ...tenantNode,
  findUnique: (id, ctx) => ({ id, endpoint: { is: { organizationId: ctx.viewer?.organizationId ?? "" } } }),
  authScopes: { admin: true },
  description: "One event for one endpoint, with its attempts",
  fields: (t) => ({
    eventId: t.exposeString("eventId", { description: "The event's id: the `webhook-id` header and the payload's `id`, the same on every attempt" }),
    eventType: t.field({ type: WebhookEventTypeEnum, description: "What happened", select: { event: { select: { type: true } } }, resolve: (d) => d.event.type }),
    payload: t.field({ type: "JSON", description: "The JSON body sent", select: { event: { select: { payload: true } } }, resolve: (d) => d.event.payload }),
    status: t.expose("status", { type: DeliveryStatusEnum, description: "Pending, delivered or dead" }),
    attempts: t.exposeInt("attempts", { description: "Attempts made so far" }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When a pending delivery is tried next",
      select: { status: true, nextAttemptAt: true },
      resolve: (d) => (d.status === "PENDING" ? d.nextAttemptAt : null),
    }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the receiver accepted it" }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the event happened" }),
    log: t.relation("log", { description: "Every attempt, oldest first", query: { orderBy: [{ at: "asc" }, { id: "asc" }] } }),
  }),
});

builder.prismaNode("WebhookEndpoint", {
  ...tenantNode,
  authScopes: { admin: true },
  description: "A receiver of signed events (Standard Webhooks). Admins only.",
  fields: (t) => ({
    url: t.exposeString("url", { description: "Where events are POSTed" }),
    description: t.exposeString("description", { nullable: true, description: "What it is for" }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: "The events it receives; empty means every event", resolve: (e) => e.eventTypes }),
    enabled: t.exposeBoolean("enabled", { description: "false: nothing is sent (events still queue for it)" }),
    disabledReason: t.exposeString("disabledReason", { nullable: true, description: "Why the server disabled it (failing for days)" }),
    failingSince: t.expose("failingSince", { type: "DateTime", nullable: true, description: "Since when every attempt has failed; null while it succeeds" }),
    version: t.exposeInt("version", { description: "Optimistic lock: pass it back to update" }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added" }),
    deliveries: t.relatedConnection("deliveries", {
      cursor: "id",
      totalCount: true,
      description: "The delivery log, newest first",
      args: { status: t.arg({ type: DeliveryStatusEnum, description: "Only deliveries in this state" }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
    }),
  }),
});

builder.queryField("webhookEndpoints", (t) =>
  t.prismaConnection({
    type: "WebhookEndpoint",
    cursor: "id",
    description: "Admins: the organization's webhook endpoints",
    authScopes: { admin: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.webhookEndpoint.findMany({ ...selection(query), where: { organizationId: authed(ctx).viewer.organizationId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  }),
);

const EndpointWithSecret = builder.objectRef<{ endpointId: string; secret: string }>("WebhookEndpointWithSecret").implement({
  description: "An endpoint and its signing secret, shown only now",
  fields: (t) => ({
    endpoint: t.prismaField({
      type: "WebhookEndpoint",
      description: "The endpoint",
      resolve: (query, parent, _a, ctx) => ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...selection(query), where: { id: parent.endpointId } }),
    }),
    secret: t.exposeString("secret", { description: "The signing secret (whsec_…): store it now, it is never shown again" }),
  }),
});

async function checkedUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ValidationError.field("input.url", "must be an absolute http(s) URL");
  }
  const refused = await refusedAddress(url, allowPrivate);
  if (refused) throw ValidationError.field("input.url", refused);
  return url.toString();
}

const EndpointInput = builder.inputType("CreateWebhookEndpointInput", {
  description: "A new receiver",
  fields: (t) => ({
    url: t.string({ required: true, description: "An http(s) URL on a public address (private ones only where WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set)" }),
    description: t.string({ description: "What it is for" }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: "The events it wants; omitted or empty: every event" }),
  }),
});

builder.mutationField("createWebhookEndpoint", (t) =>
  t.field({
    type: EndpointWithSecret,
    description: "Admins: adds a webhook endpoint. The answer carries its signing secret, which is never shown again.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "created", description: "The endpoint and its secret" } },
    args: { input: t.arg({ type: EndpointInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { viewer } = authed(ctx);
      const url = await checkedUrl(input.url, ctx.config.webhooks.allowPrivateAddresses);
      const secret = newSigningSecret();
      const endpoint = await ctx.prisma.webhookEndpoint.create({
        data: { organizationId: viewer.organizationId, url, description: input.description ?? null, eventTypes: (input.eventTypes ?? []) as string[], secret },
      });
      return { endpointId: endpoint.id, secret };
    },
  }),
);

const UpdateInput = builder.inputType("UpdateWebhookEndpointInput", {
  description: "Changes to an endpoint; omitted fields stay",
  fields: (t) => ({
    id: t.id({ required: true, description: "The endpoint" }),
    expectedVersion: t.int({ required: true, description: "The version you read (optimistic lock)" }),
    url: t.string({ description: "A new URL" }),
    description: t.string({ description: "A new description" }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: "The events it wants; empty: every event" }),
    enabled: t.boolean({ description: "false stops sending; true resumes (and clears a disable by the server)" }),
  }),
});

builder.mutationField("updateWebhookEndpoint", (t) =>
  t.prismaField({
    type: "WebhookEndpoint",
    description: "Admins: changes an endpoint's URL, events or whether it is enabled",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "endpoint", description: "The endpoint as it is now" } },
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { organizationId } = authed(ctx).viewer;
      const id = idOf(String(input.id), "WebhookEndpoint", "input.id");
      const url = input.url == null ? undefined : await checkedUrl(input.url, ctx.config.webhooks.allowPrivateAddresses);
      const exists = await ctx.prisma.webhookEndpoint.findFirst({ where: { id, organizationId }, select: { id: true } });
      if (!exists) throw new NotFoundError("WebhookEndpoint", String(input.id));
      await compareAndSet({
        entity: "WebhookEndpoint", id, expectedVersion: input.expectedVersion,
        write: () => ctx.prisma.webhookEndpoint.updateMany({
          where: { id, organizationId, version: input.expectedVersion },
          data: {
            url, description: input.description ?? undefined, eventTypes: (input.eventTypes ?? undefined) as string[] | undefined,
            ...(input.enabled == null ? {} : { enabled: input.enabled, ...(input.enabled ? { disabledReason: null, failingSince: null } : {}) }),
            version: { increment: 1 },
          },
        }),
        reread: () => ctx.prisma.webhookEndpoint.findFirst({ where: { id, organizationId }, select: { version: true } }),
      });
      return ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
);

builder.mutationField("rotateWebhookSecret", (t) =>
  t.field({
    type: EndpointWithSecret,
    description: "Admins: gives an endpoint a new signing secret. For `graceHours` (default 24) the old secret signs too, so receivers can switch without losing events.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "rotated", description: "The endpoint and its new secret" } },
    args: {
      id: t.arg.id({ required: true, description: "The endpoint" }),
      graceHours: t.arg.int({ description: "How long the old secret keeps signing (0–168, default 24)" }),
    },
    resolve: async (_root, args, ctx) => {
      const { organizationId } = authed(ctx).viewer;
      const id = idOf(String(args.id), "WebhookEndpoint", "id");
      const grace = args.graceHours ?? 24;
      if (grace < 0 || grace > 168) throw ValidationError.field("graceHours", "must be between 0 and 168");
      const endpoint = await ctx.prisma.webhookEndpoint.findFirst({ where: { id, organizationId } });
      if (!endpoint) throw new NotFoundError("WebhookEndpoint", String(args.id));
      const secret = newSigningSecret();
      await ctx.prisma.webhookEndpoint.update({
        where: { id },
        data: { secret, previousSecret: endpoint.secret, previousSecretUntil: new Date(ctx.clock.now().getTime() + grace * 3600_000), version: { increment: 1 } },
      });
      return { endpointId: id, secret };
    },
  }),
);

builder.mutationField("deleteWebhookEndpoint", (t) =>
  t.field({
    type: "ID",
    description: "Admins: removes an endpoint and its delivery log. Returns the deleted id.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "deletedId", description: "The removed endpoint's id" } },
    args: { id: t.arg.id({ required: true, description: "The endpoint" }) },
    resolve: async (_root, args, ctx) => {
      const { organizationId } = authed(ctx).viewer;
      const { count } = await ctx.prisma.webhookEndpoint.deleteMany({ where: { id: idOf(String(args.id), "WebhookEndpoint", "id"), organizationId } });
      if (!count) throw new NotFoundError("WebhookEndpoint", String(args.id));
      return String(args.id);
    },
  }),
);

builder.mutationField("redeliverWebhooks", (t) =>
  t.field({
    type: "Int",
    description:
      "Admins: sends again one delivery (`deliveryId`) or every delivery of an endpoint since a time (`endpointId` and `since`), " +
      "delivered or dead, as new attempts with the same event ids. Returns how many were queued.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "queued", description: "Deliveries queued again" } },
    args: {
      deliveryId: t.arg.id({ description: "One delivery" }),
      endpointId: t.arg.id({ description: "With `since`: an endpoint's deliveries" }),
      since: t.arg({ type: "DateTime", description: "With `endpointId`: events from this time on" }),
    },
    resolve: async (_root, args, ctx) => {
      const { organizationId } = authed(ctx).viewer;
      const now = ctx.clock.now();
      if (args.deliveryId) {
        const { count } = await ctx.prisma.webhookDelivery.updateMany({
          where: { id: idOf(String(args.deliveryId), "WebhookDelivery", "deliveryId"), endpoint: { organizationId } },
          data: { status: "PENDING", nextAttemptAt: now, attempts: 0 },
        });
        if (!count) throw new NotFoundError("WebhookDelivery", String(args.deliveryId));
        return count;
      }
      if (!args.endpointId || !args.since) throw ValidationError.field("deliveryId", "give a deliveryId, or an endpointId and since");
      const endpointId = idOf(String(args.endpointId), "WebhookEndpoint", "endpointId");
      if (!(await ctx.prisma.webhookEndpoint.findFirst({ where: { id: endpointId, organizationId }, select: { id: true } }))) throw new NotFoundError("WebhookEndpoint", String(args.endpointId));
      const { count } = await ctx.prisma.webhookDelivery.updateMany({
        where: { endpointId, createdAt: { gte: args.since } },
        data: { status: "PENDING", nextAttemptAt: now, attempts: 0 },
      });
      return count;
    },
  }),
);
