import { randomUUID } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.js";
import { PAYLOAD_VERSION, type WebhookEventType } from "./event-types.js";

export interface WebhookEventInput {
  organizationId: string;
  type: WebhookEventType;
  /** The changed record: its raw id (ordering per record) and its global id (in the payload). */
  record: { id: string; globalId: string; typename: string };
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
    data: { __typename: event.record.typename, id: event.record.globalId, ...event.data },
  };
  await tx.webhookEvent.create({ data: { id, organizationId: event.organizationId, type: event.type, recordId: event.record.id, payload: payload as Prisma.InputJsonValue, createdAt: event.at } });
  await tx.$executeRaw`
    INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "recordId", "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid(), ${id}::uuid, e.id, ${event.record.id}, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')
    FROM "WebhookEndpoint" e
    WHERE e."organizationId" = ${event.organizationId}::uuid AND e.enabled AND (cardinality(e."eventTypes") = 0 OR ${event.type} = ANY(e."eventTypes"))`;
  return id;
}
