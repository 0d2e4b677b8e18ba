import type { Database } from "../db/database.js";
import { epochMs, NOW_UTC, sqlTimestamp } from "../shared/sql-time.js";
import type { Logger } from "../observability/logger.js";
import { refusedAddress } from "./address-guard.js";
import { DISABLE_AFTER_MS, retryDelayMs } from "./retry.js";
import { signedHeaders } from "./signing.js";

export interface WebhookWorkerOptions {
  sql: Pick<Database, "query" | "transaction">;
  log: Logger;
  allowPrivateAddresses: boolean;
  timeoutMs: number;
  pollMs: number;
  /** A claimed delivery belongs to its instance this long; if the instance dies, another takes it over after. */
  leaseMs: number;
}

/** Deliveries claimed per round; each is sent at once, in parallel. */
const CLAIM = 100;
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
    if (!claimed.length) return 0;
    const outcomes = await Promise.all(claimed.map((delivery) => send(options, delivery)));
    // Recorded together: one transaction and a handful of statements per round, not per delivery (BENCHMARKS.md).
    await record(options, outcomes);
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
      WHERE d.id IN (
          -- A bounded window of the most overdue, so a round costs the same whatever the backlog.
          SELECT id FROM "WebhookDelivery" WHERE status = 'PENDING' AND "nextAttemptAt" <= ${NOW_UTC}
          ORDER BY "nextAttemptAt" LIMIT ${CLAIM * 10})
        AND NOT EXISTS (
          SELECT 1 FROM "WebhookDelivery" older
          WHERE older."endpointId" = d."endpointId" AND older."recordId" = d."recordId" AND older.status = 'PENDING'
            AND (older."createdAt", older.id) < (d."createdAt", d.id))
      ORDER BY d."nextAttemptAt" LIMIT ${CLAIM}
      FOR UPDATE OF d SKIP LOCKED)
    UPDATE "WebhookDelivery" AS d SET "nextAttemptAt" = ${NOW_UTC} + make_interval(secs => ${leaseMs / 1000}), attempts = d.attempts + 1
    FROM due, "WebhookEvent" ev, "WebhookEndpoint" e
    WHERE d.id = due.id AND ev.id = d."eventId" AND e.id = d."endpointId"
      -- The claim itself re-checks the row it updates (PostgreSQL re-reads a row changed since the statement began), so a
      -- delivery another instance claimed meanwhile is never claimed twice.
      AND d.status = 'PENDING' AND d."nextAttemptAt" <= ${NOW_UTC}
    RETURNING d.id, d.attempts, d."eventId", ev.payload, e.url, e.secret, e."previousSecret", e.id AS "endpointId",
      ${epochMs('e."previousSecretUntil"', "previousSecretUntil")}, ${epochMs('e."failingSince"', "failingSince")}`);
}

interface Outcome {
  delivery: Claimed;
  at: Date;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

/** One attempt: signed, bounded in time and size, never following a redirect. */
async function send(options: WebhookWorkerOptions, d: Claimed): Promise<Outcome> {
  const at = new Date();
  const body = JSON.stringify(d.payload);
  const secrets = [d.secret, ...(d.previousSecret && d.previousSecretUntil && d.previousSecretUntil > at.getTime() ? [d.previousSecret] : [])];
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = await refusedAddress(new URL(d.url), options.allowPrivateAddresses);
  if (!error) {
    try {
      const response = await fetch(d.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "crm-graphql-api-webhooks/1", ...signedHeaders(d.eventId, at, body, secrets) },
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
  return { delivery: d, at, statusCode, error, latencyMs: Math.round(performance.now() - started) };
}

/**
 * A round's outcomes in one transaction: the attempts logged, delivered ones marked, failed ones rescheduled with
 * back-off or dead, and each endpoint's failing streak started or ended. An endpoint failing for DISABLE_AFTER is
 * disabled once, and its organization's admins get a task each, due now, so the reminder reaches them live.
 */
async function record(options: WebhookWorkerOptions, outcomes: Outcome[]): Promise<void> {
  const now = Date.now();
  const plan = outcomes.map((o) => {
    const delay = o.error === null ? null : retryDelayMs(o.delivery.attempts);
    return { ...o, status: o.error === null ? "DELIVERED" : delay === null ? "DEAD" : "PENDING", next: sqlTimestamp(new Date(now + (delay ?? 0))) };
  });
  const endpoints = new Map<string, { ok: boolean; failingSince: number | null; url: string; error: string | null }>();
  for (const o of outcomes) {
    const seen = endpoints.get(o.delivery.endpointId);
    // The round's last word on an endpoint: any success ends its failing streak.
    endpoints.set(o.delivery.endpointId, { ok: (seen?.ok ?? false) || o.error === null, failingSince: o.delivery.failingSince, url: o.delivery.url, error: o.error ?? seen?.error ?? null });
  }
  await options.sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO "WebhookAttempt" (id, "deliveryId", at, "statusCode", error, "latencyMs")
       SELECT gen_random_uuid(), u.d, u.at, u.code, u.error, u.ms FROM unnest($1::uuid[], $2::timestamp[], $3::int[], $4::text[], $5::int[]) AS u(d, at, code, error, ms)`,
      [plan.map((o) => o.delivery.id), plan.map((o) => sqlTimestamp(o.at)), plan.map((o) => o.statusCode), plan.map((o) => o.error), plan.map((o) => o.latencyMs)],
    );
    await tx.query(
      `UPDATE "WebhookDelivery" AS d SET status = u.status::"WebhookDeliveryStatus",
         "deliveredAt" = CASE WHEN u.status = 'DELIVERED' THEN ${NOW_UTC} ELSE d."deliveredAt" END,
         "nextAttemptAt" = CASE WHEN u.status = 'PENDING' THEN u.next ELSE d."nextAttemptAt" END
       FROM unnest($1::uuid[], $2::text[], $3::timestamp[]) AS u(id, status, next) WHERE d.id = u.id`,
      [plan.map((o) => o.delivery.id), plan.map((o) => o.status), plan.map((o) => o.next)],
    );
    for (const [id, e] of endpoints) {
      if (e.ok || e.failingSince === null || now - e.failingSince <= DISABLE_AFTER_MS) {
        const streak = e.ok ? null : e.failingSince ?? now;
        await tx.query(`UPDATE "WebhookEndpoint" SET "failingSince" = $2::timestamp WHERE id = $1 AND "failingSince" IS DISTINCT FROM $2::timestamp`, [id, streak === null ? null : sqlTimestamp(new Date(streak))]);
        continue;
      }
      const reason = `every delivery to ${e.url} failed since ${new Date(e.failingSince).toISOString()}; last: ${e.error}`;
      const disabled = await tx.query<{ organizationId: string }>(
        `UPDATE "WebhookEndpoint" SET enabled = false, "disabledReason" = $2 WHERE id = $1 AND enabled RETURNING "organizationId"`, [id, reason]);
      if (!disabled.length) continue; // another instance got here first
      await tx.query(
        `INSERT INTO "Task" (id, "organizationId", "assigneeId", type, title, "dueAt")
         SELECT gen_random_uuid(), u."organizationId", u.id, 'OTHER', $2, ${NOW_UTC} FROM "User" u
         WHERE u."organizationId" = $1 AND u.role = 'ADMIN' AND u.active`,
        [disabled[0]!.organizationId, `Webhook endpoint disabled: ${reason}. Fix the receiver, then enable it again (updateWebhookEndpoint).`.slice(0, 300)],
      );
    }
  }).catch((error) => options.log.error({ err: error }, "webhook outcomes not recorded; the deliveries are retried when their lease ends"));
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
