// Benchmark: events through the webhook outbox to a local receiver, on PostgreSQL.
// Usage: npx tsx bench/webhooks.ts [events/s] [seconds] [workers]   (default 1000 events/s for 20 s, 1 worker)
// A producer commits transactions of 10 events each at the target rate (as API mutations would, through
// recordWebhookEvents); workers (what each API instance runs) deliver them to an HTTP receiver on loopback that
// answers 200. Reported: events/s delivered, and the delay from commit to arrival at p50/p99/max.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrate.js";
import { provisionOrganization } from "../src/organizations/provision.js";
import { createLogger } from "../src/observability/logger.js";
import { recordWebhookEvents } from "../src/webhooks/outbox.js";
import { newSigningSecret } from "../src/webhooks/signing.js";
import { startWebhookWorker } from "../src/webhooks/worker.js";
import { recreateDatabase } from "./scale-data.js";

const rate = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 20);
const workers = Number(process.argv[4] ?? 1);
const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_webhooks";
await recreateDatabase(url);
const db = await openDatabase(url, { poolSize: 10 });
await applyMigrations(db);
const { organization } = await db.prisma.$transaction((tx) => provisionOrganization(tx, { name: "Webhook bench" }));

const delays: number[] = [];
let failures = 0;
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const sentAt = Date.parse(JSON.parse(body).timestamp);
    delays.push(Date.now() - sentAt);
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
await db.prisma.webhookEndpoint.create({
  data: { organizationId: organization.id, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, eventTypes: [], secret: newSigningSecret() },
});
const log = createLogger("warn");
const running = Array.from({ length: workers }, () =>
  startWebhookWorker({ sql: db, log, allowPrivateAddresses: true, timeoutMs: 5000, pollMs: 20, leaseMs: 60_000 }),
);

// The producer: every 10 ms a transaction commits rate/100 events about distinct records.
const total = rate * seconds;
const perTick = Math.max(1, Math.round(rate / 100));
const cpuBefore = process.cpuUsage();
const started = Date.now();
let produced = 0;
while (produced < total) {
  const due = started + (produced / rate) * 1000;
  if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
  const batch = Array.from({ length: Math.min(perTick, total - produced) }, (_, i) => ({
    organizationId: organization.id, type: "client.updated" as const, record: { id: crypto.randomUUID(), typename: "Client" },
    data: { name: `Client ${produced + i}` }, at: new Date(),
  }));
  await db.prisma.$transaction(async (tx) => recordWebhookEvents(tx, batch)).catch(() => void failures++);
  produced += batch.length;
}
const producedIn = (Date.now() - started) / 1000;
while (delays.length < total && Date.now() - started < (seconds + 60) * 1000) await new Promise((r) => setTimeout(r, 50));
const elapsed = (Date.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await Promise.all(running.map((w) => w.stop()));
const [{ dead }] = (await db.query<{ dead: string }>(`SELECT count(*) FILTER (WHERE status <> 'DELIVERED') AS dead FROM "WebhookDelivery"`)) as [{ dead: string }];
delays.sort((a, b) => a - b);
const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
console.log(`target ${rate} events/s for ${seconds} s, ${workers} worker(s): produced ${total} in ${producedIn.toFixed(1)} s, delivered ${delays.length} in ${elapsed.toFixed(1)} s ` +
  `(${Math.round(delays.length / elapsed)} events/s), undelivered ${dead}, producer failures ${failures}`);
console.log(`commit → arrival: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${delays.at(-1)} ms; process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s ` +
  `(${(((cpu.user + cpu.system) / 1e3) / Math.max(delays.length, 1)).toFixed(2)} ms per event, producer, workers and receiver together)`);
receiver.close();
await db.close();
