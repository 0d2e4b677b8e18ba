import type { AuthedContext } from "../context.js";
import { CLOCK_SKEW_MS } from "../clock.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import { orderEventData, recordWebhookEvent } from "../webhooks/outbox.js";
import { encodeId } from "../graphql/global-id.js";
import { loadClient } from "../clients/service.js";
import { assertCanEditClient } from "../shared/access.js";
import { closeEntriesOnPurchase } from "../reactivation/close-on-purchase.js";
import { parseMoney } from "./money.js";
import { cancelPaymentChases, createFollowUps } from "../tasks/apply-followups.js";
import type { Prisma } from "../generated/prisma/client.js";

/** "An invoice is not a sale": invoicing starts the payment-chase follow-up. */
function startPaymentChase(ctx: AuthedContext, tx: Prisma.TransactionClient, orderId: string, clientId: string, at: Date) {
  return createFollowUps(tx, { organizationId: ctx.viewer.organizationId, trigger: "ORDER_INVOICED", clientId, orderId, at, actorId: ctx.viewer.userId });
}

export type OrderStep = "INVOICED" | "PAID" | "SHIPPED" | "CANCELLED";
const STEP_COLUMN = { INVOICED: "invoicedAt", PAID: "paidAt", SHIPPED: "shippedAt", CANCELLED: "cancelledAt" } as const;

export interface CreateOrderInput {
  clientId: string;
  amount: string;
  number?: string | null;
  invoicedAt?: Date | null;
  paidAt?: Date | null;
  shippedAt?: Date | null;
}

/**
 * Creates an order, possibly one that happened long ago (a past purchase is one call). Dates may not be in
 * the future, nor payment or shipment before the invoice. A paid or shipped order is a purchase; an invoiced,
 * unpaid one starts the payment chase.
 */
export async function createOrder(ctx: AuthedContext, input: CreateOrderInput) {
  const client = await loadClient(ctx, input.clientId);
  assertCanEditClient(ctx.viewer, client);
  const amount = parseMoney(input.amount);
  if (!amount.ok) throw ValidationError.field("input.amount", amount.message);
  if (input.number && input.number.length > 64) throw ValidationError.field("input.number", "must be at most 64 characters");
  const dates = { invoicedAt: input.invoicedAt ?? null, paidAt: input.paidAt ?? null, shippedAt: input.shippedAt ?? null };
  checkDates(ctx, dates);
  return ctx.prisma.$transaction(async (tx) => {
    const order = await tx.order.create({
      data: { organizationId: ctx.viewer.organizationId, clientId: client.id, amount: amount.value, number: input.number?.trim() || null, ...dates },
    });
    const purchasedAt = earliest(dates.paidAt, dates.shippedAt);
    if (purchasedAt) await closeEntriesOnPurchase(tx, ctx.viewer.organizationId, client.id, purchasedAt);
    if (order.invoicedAt && !order.paidAt) await startPaymentChase(ctx, tx, order.id, client.id, order.invoicedAt);
    for (const [type, at] of [["order.invoiced", order.invoicedAt], ["order.paid", order.paidAt], ["order.shipped", order.shippedAt]] as const) {
      if (at) await recordWebhookEvent(tx, { organizationId: ctx.viewer.organizationId, type, record: { id: order.id, typename: "Order" }, at: ctx.clock.now(), data: orderEventData(order) });
    }
    return order;
  });
}

function checkDates(ctx: AuthedContext, dates: { invoicedAt: Date | null; paidAt: Date | null; shippedAt: Date | null }) {
  const latest = new Date(ctx.clock.now().getTime() + CLOCK_SKEW_MS);
  const issues = [];
  for (const [field, at] of Object.entries(dates)) {
    if (at && at > latest) issues.push({ path: ["input", field], message: "cannot be in the future" });
  }
  for (const field of ["paidAt", "shippedAt"] as const) {
    const at = dates[field];
    if (at && dates.invoicedAt && at < dates.invoicedAt) issues.push({ path: ["input", field], message: "cannot be before invoicedAt" });
  }
  if (issues.length) throw new ValidationError(issues);
}


const earliest = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : a ?? b);

/**
 * Records one step of an order's life. Each step happens once; a cancelled order takes no further
 * steps. A payment or shipment is a purchase, which closes the client's open reactivation entry.
 */
export async function recordOrderStep(ctx: AuthedContext, id: string, step: OrderStep, at: Date, expectedVersion: number) {
  const order = await ctx.prisma.order.findFirst({
    where: { id, organizationId: ctx.viewer.organizationId },
    include: { client: { select: { ownerId: true } } },
  });
  if (!order) throw new NotFoundError("Order", encodeId("Order", id));
  assertCanEditClient(ctx.viewer, order.client);
  const column = STEP_COLUMN[step];
  if (order[column]) throw ValidationError.field("input.id", `the order is already ${step.toLowerCase()}`);
  if (order.cancelledAt) throw ValidationError.field("input.id", "the order is cancelled");
  if (at > new Date(ctx.clock.now().getTime() + CLOCK_SKEW_MS)) throw ValidationError.field("input.at", "cannot be in the future");
  if ((step === "PAID" || step === "SHIPPED") && order.invoicedAt && at < order.invoicedAt) throw ValidationError.field("input.at", "cannot be before the invoice");
  const updated = await ctx.prisma.$transaction(async (tx) => {
    await compareAndSet({
      entity: "Order", id, expectedVersion,
      write: () => tx.order.updateMany({
        where: { id, organizationId: ctx.viewer.organizationId, version: expectedVersion },
        data: { [column]: at, version: { increment: 1 } },
      }),
      reread: () => tx.order.findFirst({ where: { id, organizationId: ctx.viewer.organizationId }, select: { version: true } }),
    });
    if (step === "PAID" || step === "SHIPPED") await closeEntriesOnPurchase(tx, ctx.viewer.organizationId, order.clientId, at);
    if (step === "INVOICED") await startPaymentChase(ctx, tx, id, order.clientId, at);
    if (step === "PAID" || step === "CANCELLED") await cancelPaymentChases(tx, id, at, step === "PAID" ? "Order paid" : "Order cancelled");
    const changed = await tx.order.findUniqueOrThrow({ where: { id } });
    await recordWebhookEvent(tx, {
      organizationId: ctx.viewer.organizationId, type: `order.${step.toLowerCase() as "invoiced" | "paid" | "shipped" | "cancelled"}`,
      record: { id, typename: "Order" }, at: ctx.clock.now(), data: orderEventData(changed),
    });
    return changed;
  });
  return updated;
}
