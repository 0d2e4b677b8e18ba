import { randomUUID } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.js";
import { encodeId } from "../graphql/global-id.js";
import { NOW_UTC, sqlTimestamp } from "../shared/sql-time.js";
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
 * Writes events into the outbox inside the caller's transaction, each with one pending delivery per enabled endpoint
 * of its organization that wants its type: the change and its announcement commit or roll back together, so a crash
 * between the commit and the delivery loses nothing (the worker finds the pending deliveries on any instance). An
 * event no endpoint wants is not stored at all, so organizations without webhooks pay one index probe per change.
 * One statement whatever the number of events (a reactivation sweep may add thousands).
 */
export async function recordWebhookEvents(tx: Pick<Prisma.TransactionClient, "$executeRawUnsafe">, events: WebhookEventInput[]): Promise<void> {
  if (!events.length) return;
  const rows = events.map((event) => {
    const id = randomUUID();
    const payload = {
      version: PAYLOAD_VERSION,
      id,
      type: event.type,
      timestamp: event.at.toISOString(),
      organizationId: encodeId("Organization", event.organizationId),
      data: { __typename: event.record.typename, id: encodeId(event.record.typename, event.record.id), ...event.data },
    };
    return [id, event.organizationId, event.type, event.record.id, JSON.stringify(payload), sqlTimestamp(event.at)];
  });
  const column = (i: number) => rows.map((row) => row[i]);
  await tx.$executeRawUnsafe(
    `WITH wanted AS (
       -- Events of one call keep their order: the n-th is stamped n - 1 ms later (a record's deliveries go oldest first).
       SELECT u.id, u.org, u.type, u.record, u.payload, u.at + make_interval(secs => (u.n - 1) / 1000.0) AS at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::timestamp[]) WITH ORDINALITY AS u(id, org, type, record, payload, at, n)
       WHERE EXISTS (SELECT 1 FROM "WebhookEndpoint" e WHERE e."organizationId" = u.org AND e.enabled AND (cardinality(e."eventTypes") = 0 OR u.type = ANY(e."eventTypes")))),
     stored AS (
       INSERT INTO "WebhookEvent" (id, "organizationId", type, "recordId", payload, "createdAt")
       SELECT id, org, type, record, payload, at FROM wanted
       RETURNING id, "organizationId", type, "recordId", "createdAt")
     INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "recordId", "nextAttemptAt", "createdAt")
     SELECT gen_random_uuid(), s.id, e.id, s."recordId", ${NOW_UTC}, s."createdAt"
     FROM stored s JOIN "WebhookEndpoint" e ON e."organizationId" = s."organizationId" AND e.enabled AND (cardinality(e."eventTypes") = 0 OR s.type = ANY(e."eventTypes"))`,
    column(0), column(1), column(2), column(3), column(4), column(5),
  );
}

/** One event; see recordWebhookEvents. */
export function recordWebhookEvent(tx: Pick<Prisma.TransactionClient, "$executeRawUnsafe">, event: WebhookEventInput): Promise<void> {
  return recordWebhookEvents(tx, [event]);
}

/** An order's event data as the API names it. */
export function orderEventData(order: { clientId: string; number: string | null; amount: { toString(): string }; invoicedAt: Date | null; paidAt: Date | null; shippedAt: Date | null; cancelledAt: Date | null }) {
  return {
    clientId: encodeId("Client", order.clientId), number: order.number, amount: order.amount.toString(),
    invoicedAt: order.invoicedAt, paidAt: order.paidAt, shippedAt: order.shippedAt, cancelledAt: order.cancelledAt,
  };
}

/** A client's event data: its card as the API names it, after the change. */
export async function clientEventData(tx: Pick<Prisma.TransactionClient, "client">, id: string) {
  const c = await tx.client.findUniqueOrThrow({ where: { id } });
  const gid = (typename: string, value: string | null) => value && encodeId(typename, value);
  return {
    name: c.name, kind: c.kind, externalId: c.externalId, phone: c.phone, email: c.email, website: c.website,
    ownerId: gid("User", c.ownerId), accountManagerId: gid("User", c.accountManagerId), channelId: gid("Channel", c.channelId),
    stageId: gid("Stage", c.stageId), customFields: c.customFields, version: c.version,
  };
}

/** A task's event data. */
export function taskEventData(t: { title: string; type: string; status: string; dueAt: Date; assigneeId: string; clientId: string | null; completedAt?: Date | null }) {
  return {
    title: t.title, type: t.type, status: t.status, dueAt: t.dueAt, completedAt: t.completedAt ?? null,
    assigneeId: encodeId("User", t.assigneeId), clientId: t.clientId && encodeId("Client", t.clientId),
  };
}
