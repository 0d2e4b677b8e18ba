import { randomUUID } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.js";
import { encodeId } from "../graphql/global-id.js";
import { PAYLOAD_VERSION, type WebhookEventType } from "./event-types.js";

export interface WebhookEventInput {
  organizationId: string;
  type: WebhookEventType;
  /** The changed record: its raw id (ordering per record) and its global id (in the payload). */
  record: { id: string; typename: string };
  /** The record's fields as the API names them. */
  data: Record<string, unknown>;
  at: Date;
}

/**
 * Writes an event into the outbox inside the caller's transaction, with one pending delivery per enabled endpoint
 * that wants its type: the change and its announcement commit or roll back together, so a crash between the commit
 * and the delivery loses nothing (the worker finds the pending deliveries on any instance).
 */
export async function recordWebhookEvent(tx: Prisma.TransactionClient, event: WebhookEventInput): Promise<string> {
  const id = randomUUID();
  const payload = {
    version: PAYLOAD_VERSION,
    id,
    type: event.type,
    timestamp: event.at.toISOString(),
    organizationId: event.organizationId,
    data: { __typename: event.record.typename, id: encodeId(event.record.typename, event.record.id), ...event.data },
  };
  await tx.webhookEvent.create({ data: { id, organizationId: event.organizationId, type: event.type, recordId: event.record.id, payload: payload as Prisma.InputJsonValue, createdAt: event.at } });
  await tx.$executeRaw`
    INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "recordId", "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid(), ${id}::uuid, e.id, ${event.record.id}, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')
    FROM "WebhookEndpoint" e
    WHERE e."organizationId" = ${event.organizationId}::uuid AND e.enabled AND (cardinality(e."eventTypes") = 0 OR ${event.type} = ANY(e."eventTypes"))`;
  return id;
}

/** An order's event data as the API names it. */
export function orderEventData(order: { clientId: string; number: string | null; amount: { toString(): string }; invoicedAt: Date | null; paidAt: Date | null; shippedAt: Date | null; cancelledAt: Date | null }) {
  return {
    clientId: encodeId("Client", order.clientId), number: order.number, amount: order.amount.toString(),
    invoicedAt: order.invoicedAt, paidAt: order.paidAt, shippedAt: order.shippedAt, cancelledAt: order.cancelledAt,
  };
}
