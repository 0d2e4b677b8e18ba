import { selection } from "../shared/selection.js";
import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { COMMON_ERRORS } from "../graphql/error-types.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { parseMoney } from "../orders/money.js";
import { idOf, optionalIdOf } from "../shared/ids.js";

builder.prismaObject("ChannelSpend", {
  fields: (t) => ({
    month: t.string({ description: "YYYY-MM", select: { month: true }, resolve: (s) => s.month.toISOString().slice(0, 7) }),
    amount: t.expose("amount", { type: "Decimal" }),
    channel: t.relation("channel"),
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
    errors: { types: COMMON_ERRORS, dataField: { name: "spend" } },
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
  recordInboundCall: t.field({
    type: "Boolean",
    description: "Telephony integrations: an inbound call, attributed to the channel whose tracking number was dialled.",
    errors: { types: COMMON_ERRORS, dataField: { name: "recorded" } },
    args: {
      input: t.arg({
        type: builder.inputType("RecordInboundCallInput", {
          fields: (f) => ({
            trackingPhone: f.field({ type: "PhoneNumber", required: true, description: "The number the caller dialled" }),
            fromPhone: f.field({ type: "PhoneNumber" }),
            occurredAt: f.field({ type: "DateTime" }),
            clientId: f.id(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const organizationId = authed(ctx).viewer.organizationId;
      const clientId = optionalIdOf(input.clientId, "Client", "input.clientId") ?? null;
      if (clientId && !(await ctx.prisma.client.findFirst({ where: { id: clientId, organizationId } }))) {
        throw new NotFoundError("Client", input.clientId!);
      }
      const channel = await ctx.prisma.channel.findFirst({ where: { organizationId, trackingPhone: input.trackingPhone } });
      await ctx.prisma.inboundCall.create({
        data: {
          organizationId,
          channelId: channel?.id ?? null,
          clientId,
          fromPhone: input.fromPhone ?? null,
          trackingPhone: input.trackingPhone,
          occurredAt: input.occurredAt ?? ctx.clock.now(),
        },
      });
      return true;
    },
  }),
}));
