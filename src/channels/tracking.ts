import { selection } from "../shared/selection.js";
import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../graphql/errors.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { recordInboundCall } from "./inbound-calls.js";
import { parseMoney } from "../orders/money.js";
import { idOf, optionalIdOf } from "../shared/ids.js";

builder.prismaObject("ChannelSpend", {
  fields: (t) => ({
    month: t.string({ description: "YYYY-MM", select: { month: true }, resolve: (s) => s.month.toISOString().slice(0, 7) }),
    amount: t.expose("amount", { type: "Decimal" }),
    channel: t.relation("channel"),
  }),
});

builder.prismaNode("InboundCall", {
  ...tenantNode,
  description: "A call to one of the channels' tracking numbers",
  fields: (t) => ({
    trackingPhone: t.exposeString("trackingPhone", { nullable: true, description: "The number that was dialled" }),
    fromPhone: t.exposeString("fromPhone", { nullable: true, description: "The caller's number" }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    channel: t.relation("channel", { nullable: true, description: "The channel whose tracking number was dialled; null for an unknown number" }),
    client: t.relation("client", { nullable: true, description: "The calling client, when known" }),
  }),
});

builder.prismaObjectFields("Channel", (t) => ({
  spends: t.relation("spends", { query: { orderBy: { month: "desc" } } }),
}));

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

builder.mutationFields((t) => ({
  setChannelSpend: t.prismaField({
    type: "ChannelSpend",
    description: "Heads of sales: the channel's marketing spend for a calendar month (replaces the month's value).",
    authScopes: { headOfSales: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "spend" } },
    args: {
      input: t.arg({
        type: builder.inputType("SetChannelSpendInput", {
          fields: (f) => ({
            channelId: f.id({ required: true }),
            month: f.string({ required: true, description: "YYYY-MM, a month in the organization's time zone" }),
            amount: f.field({ type: "Decimal", required: true }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _r, { input }, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const channelId = idOf(input.channelId, "Channel", "input.channelId");
      if (!MONTH.test(input.month)) throw ValidationError.field("input.month", "must be YYYY-MM");
      const amount = /^0+(\.0+)?$/.test(input.amount) ? { ok: true as const, value: "0" } : parseMoney(input.amount);
      if (!amount.ok) throw ValidationError.field("input.amount", amount.message);
      const channel = await ctx.prisma.channel.findFirst({ where: { id: channelId, organizationId } });
      if (!channel) throw new NotFoundError("Channel", input.channelId);
      const month = new Date(`${input.month}-01T00:00:00Z`);
      return ctx.prisma.channelSpend.upsert({
        ...selection(query),
        where: { channelId_month: { channelId, month } },
        create: { organizationId, channelId, month, amount: amount.value },
        update: { amount: amount.value },
      });
    },
  }),
  recordInboundCall: t.prismaField({
    type: "InboundCall",
    description:
      "Telephony integrations: an inbound call, attributed to the channel whose tracking number was dialled. The client is `clientId`, or the client whose phone is `fromPhone`; a client without a channel gets the call's channel (first touch).",
    errors: { types: [ValidationError, NotFoundError], dataField: { name: "call" } },
    args: {
      input: t.arg({
        type: builder.inputType("RecordInboundCallInput", {
          fields: (f) => ({
            trackingPhone: f.field({ type: "PhoneNumber", required: true, description: "The number the caller dialled" }),
            fromPhone: f.field({ type: "PhoneNumber", description: "The caller's number; finds the client by its card phone when clientId is not given" }),
            occurredAt: f.field({ type: "DateTime", description: "Defaults to now" }),
            clientId: f.id(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _r, { input }, ctx) => {
      const call = await recordInboundCall(authed(ctx), {
        trackingPhone: input.trackingPhone,
        fromPhone: input.fromPhone ?? null,
        occurredAt: input.occurredAt ?? ctx.clock.now(),
        clientId: optionalIdOf(input.clientId, "Client", "input.clientId") ?? null,
      });
      return ctx.prisma.inboundCall.findUniqueOrThrow({ ...selection(query), where: { id: call.id } });
    },
  }),
}));
