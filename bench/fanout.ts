// Benchmark: fan-out of due reminders to N concurrent graphql-ws subscribers (default 1k, 5k, 10k), spread over
// 100 managers: each round fires one task per manager at once, so every socket gets its user's reminder, with the
// task loaded (title, due time, client). The API runs as a separate process (PostgreSQL), so its memory is its own.
// Usage: npx tsx bench/fanout.ts [1000 5000 10000]   (BENCH_DATABASE_URL to change the target; it is recreated;
// BENCH_API_ENV="SHARED_SUBSCRIPTION_EVENTS=0" to measure per-subscriber execution)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createClient, type Client } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { sessionTokenOverSql } from "../src/auth/sessions.js";
import { loadConfig } from "../src/config.js";
import { recreateDatabase } from "./scale-data.js";

const USERS = 100;
const JWT_SECRET = "bench-secret-0123456789abcdef0123456789";
const SUBSCRIPTION = `subscription { reminderDue { id firedAt task { id title dueAt client { name } } } }`;

const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_fanout";
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const SIZES = sizes.length ? sizes : [1000, 5000, 10000];
const PORT = 4555;
const HTTP = `http://127.0.0.1:${PORT}/graphql`;

await recreateDatabase(url);
// Plain node (no npx in between), so signals and /proc figures are the API's own; BENCH_NODE_ARGS e.g. --cpu-prof.
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
const server = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/main.ts"], {
  env: {
    ...process.env, DATABASE_URL: url, PORT: String(PORT), SEED_DEMO: "1", REMINDER_TICK_MS: "100", REDIS_URL: "", JWT_SECRET,
    SUBSCRIPTIONS_PER_USER: "1000",
    ...Object.fromEntries((process.env.BENCH_API_ENV ?? "").split(/\s+/).filter(Boolean).map((kv) => kv.split("="))),
  },
  stdio: ["ignore", "pipe", "inherit"],
});
let serverPid = 0;
await new Promise<void>((resolve) => {
  server.stdout.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("seeded demo data")) resolve();
  });
});
const rssOf = () => {
  serverPid ||= server.pid!;
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serverPid}/status`, "utf8"))![1]) * 1024;
};


// 100 managers in the demo organization, each with a client for their tasks; tokens signed like the API's own.
const db = new pg.Client({ connectionString: url });
await db.connect();
const { rows: [org] } = await db.query<{ id: string }>(`SELECT "organizationId" AS id FROM "User" WHERE email = 'admin@demo.example'`);
const { rows: users } = await db.query<{ id: string }>(
  `INSERT INTO "User" (id, "organizationId", email, name, role) SELECT gen_random_uuid(), $1, 'fan' || g || '@bench.test', 'Fan ' || g, 'MANAGER'
   FROM generate_series(1, ${USERS}) g RETURNING id`, [org!.id]);
const { rows: clientRows } = await db.query<{ id: string }>(
  `INSERT INTO "Client" (id, "organizationId", name, "ownerId", "updatedAt") SELECT gen_random_uuid(), $1, 'Fan client ' || u.ord, u.id, now()
   FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, ord) RETURNING id`, [org!.id, users.map((u) => u.id)]);
const jwt = loadConfig({ NODE_ENV: "production", JWT_SECRET }).jwt;
const tokens = await Promise.all(users.map((u) => sessionTokenOverSql(db, jwt, { userId: u.id, organizationId: org!.id, role: "MANAGER" })));

console.log("| subscribers | p50 ms | p99 ms | max ms | delivered | server RSS per connection |");
console.log("|---|---|---|---|---|---|");
let benchStart = Number.POSITIVE_INFINITY;
for (const n of SIZES) {
  benchStart = Number.POSITIVE_INFINITY;
  const rssBefore = rssOf();
  const clients: Client[] = [];
  const latencies: number[] = [];
  let resolveAll: () => void = () => {};
  const allDelivered = new Promise<void>((r) => (resolveAll = r));
  let subscribed = 0;
  let connected = 0;
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const client = createClient({
      url: HTTP.replace("http", "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokens[i % USERS]}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => void connected++, error: () => void failed++ },
    });
    clients.push(client);
    client.subscribe({ query: SUBSCRIPTION }, {
      next: (m: any) => {
        if (!m.data?.reminderDue) return;
        const firedAt = Date.parse(m.data.reminderDue.firedAt);
        if (firedAt < benchStart) return; // catch-up of earlier rounds
        latencies.push(Date.now() - firedAt);
        if (latencies.length === n) resolveAll();
      },
      error: () => {},
      complete: () => {},
    });
    subscribed++;
    // Open in waves of 250 and let each finish its handshake, like clients reconnecting after a deploy.
    if (i % 250 === 249) while (connected + failed < i + 1) await new Promise((r) => setTimeout(r, 10));
  }
  while (connected + failed < n) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 1000)); // subscriptions registered, memory settled
  const rssAfter = rssOf();
  benchStart = Date.now();
  // One task per manager, due now: the scheduler fires all of them in one tick.
  await db.query(
    `INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt")
     SELECT gen_random_uuid(), $1, u.id, c.id, 'CALL', 'Fan-out', now() AT TIME ZONE 'UTC'
     FROM unnest($2::uuid[], $3::uuid[]) AS x(uid, cid) JOIN "User" u ON u.id = x.uid JOIN "Client" c ON c.id = x.cid`,
    [org!.id, users.map((u) => u.id), clientRows.map((c) => c.id)]);
  await Promise.race([allDelivered, new Promise((r) => setTimeout(r, 60_000))]);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  console.log(`| ${n} | ${pct(0.5)} | ${pct(0.99)} | ${latencies[latencies.length - 1]} | ${latencies.length}/${subscribed} (${failed} failed to connect) | ${((rssAfter - rssBefore) / n / 1024).toFixed(1)} KiB |`);
  await Promise.all(clients.map((c) => c.dispose()));
  // Finish the tasks so the next round's subscribers do not catch them up.
  await new Promise((r) => setTimeout(r, 1000));
  await db.query(`UPDATE "Task" SET status = 'DONE', "completedAt" = now() WHERE title = 'Fan-out' AND status = 'OPEN'`);
}
await db.end();
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
process.exit(0);
