import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { selection } from "../shared/selection.js";
import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { idOf } from "../shared/ids.js";
import { createOrder, recordOrderStep, type OrderStep } from "./service.js";

builder.prismaNode("Order", {
  ...tenantNode,
  fields: (t) => ({
    number: t.exposeString("number", { nullable: true }),
    externalId: t.exposeString("externalId", { nullable: true, description: "The order's id in the system it was imported from; re-imports match on it" }),
    amount: t.expose("amount", { type: "Decimal", description: "Exact amount, e.g. \"9000.00\"" }),
    client: t.relation("client"),
    invoicedAt: t.expose("invoicedAt", { type: "DateTime", nullable: true }),
    paidAt: t.expose("paidAt", { type: "DateTime", nullable: true }),
    shippedAt: t.expose("shippedAt", { type: "DateTime", nullable: true }),
    cancelledAt: t.expose("cancelledAt", { type: "DateTime", nullable: true }),
    unpaidInvoice: t.boolean({
      description: "Invoiced, not paid and not cancelled: \"an invoice is not a sale\" — chase it",
      select: { invoicedAt: true, paidAt: true, cancelledAt: true },
      resolve: (o) => o.invoicedAt !== null && o.paidAt === null && o.cancelledAt === null,
    }),
    version: t.exposeInt("version"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.prismaObjectFields("Client", (t) => ({
  orders: t.relatedConnection("orders", {
    cursor: "id",
    totalCount: true,
    query: () => ({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
}));

const CreateOrderInput = builder.inputType("CreateOrderInput", {
  fields: (t) => ({
    clientId: t.id({ required: true }),
    amount: t.field({ type: "Decimal", required: true }),
    number: t.string(),
    invoicedAt: t.field({ type: "DateTime", description: "Set when the invoice is issued together with the order; unpaid, it starts the payment chase" }),
    paidAt: t.field({ type: "DateTime", description: "A past purchase in one call: when it was paid (not in the future, not before invoicedAt)" }),
    shippedAt: t.field({ type: "DateTime", description: "When it was shipped (not in the future, not before invoicedAt)" }),
  }),
});

const OrderStepInput = builder.inputType("OrderStepInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    expectedVersion: t.int({ required: true }),
    at: t.field({ type: "DateTime", description: "When it happened; defaults to now" }),
  }),
});

builder.mutationField("createOrder", (t) =>
  t.prismaField({
    type: "Order",
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "order" } },
    args: { input: t.arg({ type: CreateOrderInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const order = await createOrder(authed(ctx), { ...input, clientId: idOf(input.clientId, "Client", "input.clientId") });
      return ctx.prisma.order.findUniqueOrThrow({ ...selection(query), where: { id: order.id } });
    },
  }),
);

const STEPS: [string, OrderStep, string][] = [
  ["markOrderInvoiced", "INVOICED", "The invoice was issued; an unpaid invoice gets payment-chase tasks until it is paid or cancelled."],
  ["markOrderPaid", "PAID", "Payment received: a purchase. Closes the client's open reactivation entry as won back."],
  ["markOrderShipped", "SHIPPED", "Shipped: a purchase, like a payment."],
  ["cancelOrder", "CANCELLED", "Cancels the order; it stops counting as a purchase and stops the payment chase."],
];

for (const [name, step, description] of STEPS) {
  builder.mutationField(name, (t) =>
    t.prismaField({
      type: "Order",
      description,
      errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "order" } },
      args: { input: t.arg({ type: OrderStepInput, required: true }) },
      resolve: async (query, _root, { input }, ctx) => {
        const id = idOf(input.id, "Order", "input.id");
        await recordOrderStep(authed(ctx), id, step, input.at ?? ctx.clock.now(), input.expectedVersion);
        return ctx.prisma.order.findUniqueOrThrow({ ...selection(query), where: { id } });
      },
    }),
  );
}
