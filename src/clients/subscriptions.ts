import { selection } from "../shared/selection.js";
import { builder } from "../graphql/builder.js";
import { encodeId } from "../graphql/global-id.js";

const ClientChangeKind = builder.enumType("ClientChangeKind", {
  values: {
    CREATED: {},
    UPDATED: { description: "Card fields or custom fields changed" },
    STAGE_CHANGED: { description: "Moved to another pipeline stage; `client.transitions` has the move" },
    REASSIGNED: { description: "Handed to another manager" },
    DELETED: { description: "`client` is null from now on" },
  } as const,
});
export type ClientChangeKindValue = typeof ClientChangeKind.$inferType;

interface ClientChange {
  clientId: string;
  kind: string;
}

const ClientChangeRef = builder.objectRef<ClientChange>("ClientChange").implement({
  description: "A client of your organization changed. Refetch `client` for the new state (null once deleted).",
  fields: (t) => ({
    kind: t.field({ type: ClientChangeKind, resolve: (e) => e.kind as ClientChangeKindValue }),
    clientId: t.id({ resolve: (e) => encodeId("Client", e.clientId) }),
    client: t.prismaField({
      type: "Client",
      nullable: true,
      resolve: (query, e, _args, ctx) =>
        ctx.prisma.client.findFirst({ ...selection(query), where: { id: e.clientId, organizationId: ctx.viewer!.organizationId } }),
    }),
  }),
});

builder.subscriptionField("clientChanged", (t) =>
  t.field({
    type: ClientChangeRef,
    description: "Live changes to the organization's clients (created, updated, moved between stages, reassigned, deleted).",
    subscribe: (_root, _args, ctx) => ctx.pubsub.subscribe("client:changed", ctx.viewer!.organizationId),
    resolve: (event) => event,
  }),
);
