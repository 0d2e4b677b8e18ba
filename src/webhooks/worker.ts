import type { Database } from "../db/database.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import { refusedAddress } from "./address-guard.js";
import { DISABLE_AFTER_MS, retryDelayMs } from "./retry.js";
import { signedHeaders } from "./signing.js";

export interface WebhookWorkerOptions {
  prisma: PrismaClient;
  sql: Pick<Database, "query">;
  log: Logger;
  allowPrivateAddresses: boolean;
  timeoutMs: number;
  pollMs: number;
  /** A claimed delivery belongs to its instance this long; if the instance dies, another takes it over after. */
  leaseMs: number;
}

/** Deliveries claimed per round; each is sent at once, in parallel. */
const CLAIM = 20;
/** What is read of a receiver's answer (kept for the log); the rest is not waited for. */
const RESPONSE_CAP = 64 * 1024;

interface Claimed {
  id: string;
  attempts: number;
  eventId: string;
  payload: unknown;
  url: string;
  secret: string;
  previousSecret: string | null;
  /** Epoch milliseconds (timestamps are read as numbers: no driver or time zone can shift them). */
  previousSecretUntil: number | null;
  endpointId: string;
  failingSince: number | null;
}

/**
 * Delivers the outbox. Every instance runs one; each round claims due deliveries with FOR UPDATE SKIP LOCKED (no
 * two instances take the same one) and leases them, so a delivery whose instance dies mid-send is taken over when
 * the lease ends: at-least-once, the event id for de-duplication. Of one record's deliveries to one endpoint only
 * the oldest pending is claimable, so they arrive in order.
 */
export function startWebhookWorker(options: WebhookWorkerOptions) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function round(): Promise<number> {
    const claimed = await claim(options.sql, options.leaseMs);
    await Promise.all(claimed.map((delivery) => deliver(options, delivery).catch((error) => options.log.error({ err: error, deliveryId: delivery.id }, "webhook delivery failed to record"))));
    return claimed.length;
  }

  const loop = async () => {
    if (stopped) return;
    let sent = 0;
    running = round().then((n) => void (sent = n), (error) => options.log.warn({ err: error }, "webhook round failed"));
    await running;
    if (!stopped) timer = setTimeout(loop, sent === CLAIM ? 0 : options.pollMs);
  };
  timer = setTimeout(loop, 0);
  return {
    /** One round now (tests): how many deliveries it sent. */
    round,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function claim(sql: Pick<Database, "query">, leaseMs: number): Promise<Claimed[]> {
  return sql.query<Claimed>(`
    WITH due AS (
      SELECT d.id FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e.id = d."endpointId" AND e.enabled
      WHERE d.status = 'PENDING' AND d."nextAttemptAt" <= (now() AT TIME ZONE 'UTC')
        AND NOT EXISTS (
          SELECT 1 FROM "WebhookDelivery" older
          WHERE older."endpointId" = d."endpointId" AND older."recordId" = d."recordId" AND older.status = 'PENDING'
            AND (older."createdAt", older.id) < (d."createdAt", d.id))
      ORDER BY d."nextAttemptAt" LIMIT ${CLAIM}
      FOR UPDATE OF d SKIP LOCKED)
    UPDATE "WebhookDelivery" AS d SET "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${leaseMs / 1000}), attempts = d.attempts + 1
    FROM due, "WebhookEvent" ev, "WebhookEndpoint" e
    WHERE d.id = due.id AND ev.id = d."eventId" AND e.id = d."endpointId"
    RETURNING d.id, d.attempts, d."eventId", ev.payload, e.url, e.secret, e."previousSecret", e.id AS "endpointId",
      (extract(epoch FROM e."previousSecretUntil") * 1000)::float8 AS "previousSecretUntil", (extract(epoch FROM e."failingSince") * 1000)::float8 AS "failingSince"`);
}

async function deliver(options: WebhookWorkerOptions, d: Claimed): Promise<void> {
  const { prisma } = options;
  const now = new Date();
  const body = JSON.stringify(d.payload);
  const secrets = [d.secret, ...(d.previousSecret && d.previousSecretUntil && d.previousSecretUntil > now.getTime() ? [d.previousSecret] : [])];
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  const refused = await refusedAddress(new URL(d.url), options.allowPrivateAddresses);
  if (refused) error = refused;
  else {
    try {
      const response = await fetch(d.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "crm-graphql-api-webhooks/1", ...signedHeaders(d.eventId, now, body, secrets) },
        body,
        redirect: "manual", // a redirect is an answer, not an instruction: it could lead anywhere
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      statusCode = response.status;
      await readCapped(response);
      if (response.status < 200 || response.status >= 300) error = `answered ${response.status}`;
    } catch (failure) {
      error = (failure as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : `could not connect: ${(failure as Error).message}`;
    }
  }
  const latencyMs = Math.round(performance.now() - started);
  const delivered = error === null;
  const delay = delivered ? null : retryDelayMs(d.attempts);
  const disable = !delivered && d.failingSince !== null && now.getTime() - d.failingSince > DISABLE_AFTER_MS;
  await prisma.$transaction(async (tx) => {
    await tx.webhookAttempt.create({ data: { deliveryId: d.id, at: now, statusCode, error, latencyMs } });
    await tx.webhookDelivery.update({
      where: { id: d.id },
      data: delivered ? { status: "DELIVERED", deliveredAt: new Date() } : delay === null ? { status: "DEAD" } : { nextAttemptAt: new Date(Date.now() + delay) },
    });
    if (!disable) {
      await tx.webhookEndpoint.update({ where: { id: d.endpointId }, data: { failingSince: delivered ? null : d.failingSince ? new Date(d.failingSince) : now } });
      return;
    }
    // Disabled only once (by whichever instance gets here first), and then the admins are told: a task each, due
    // now, so its reminder reaches them live like any other.
    const reason = `every delivery to ${d.url} failed since ${new Date(d.failingSince!).toISOString()}; last: ${error}`;
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id: d.endpointId, enabled: true }, data: { enabled: false, disabledReason: reason } });
    if (!count) return;
    const endpoint = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: d.endpointId }, select: { organizationId: true } });
    const admins = await tx.user.findMany({ where: { organizationId: endpoint.organizationId, role: "ADMIN", active: true }, select: { id: true } });
    await tx.task.createMany({
      data: admins.map((admin) => ({
        organizationId: endpoint.organizationId, assigneeId: admin.id, type: "OTHER" as const, dueAt: now,
        title: `Webhook endpoint disabled: ${reason}. Fix the receiver, then enable it again (updateWebhookEndpoint).`.slice(0, 300),
      })),
    });
  });
}

async function readCapped(response: Response): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  let read = 0;
  while (read < RESPONSE_CAP) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.length;
  }
  await reader.cancel();
}
