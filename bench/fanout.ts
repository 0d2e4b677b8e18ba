// Benchmark: fan-out of one due reminder to N concurrent graphql-ws subscribers (default 1k, 5k, 10k).
// The API runs as a separate process (npm start on PostgreSQL), so its memory is measured alone.
// Usage: npx tsx bench/fanout.ts [1000 5000 10000]   (BENCH_DATABASE_URL to change the target; it is recreated)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { recreateDatabase } from "./scale-data.js";

const url = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_fanout";
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const SIZES = sizes.length ? sizes : [1000, 5000, 10000];
const PORT = 4555;
const HTTP = `http://127.0.0.1:${PORT}/graphql`;

await recreateDatabase(url);
const server = spawn("npx", ["tsx", "src/main.ts"], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(PORT), SEED_DEMO: "1", REMINDER_TICK_MS: "100", REDIS_URL: "" },
  stdio: ["ignore", "pipe", "inherit"],
});
let serverPid = 0;
await new Promise<void>((resolve) => {
  server.stdout.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("CRM GraphQL API on")) resolve();
  });
});
// npx → tsx → node: the API is the newest node process whose parent chain leads to us.
const rssOf = () => {
  serverPid ||= findServerPid(server.pid!);
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serverPid}/status`, "utf8"))![1]) * 1024;
};

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(HTTP, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as any;
}

const login = await gql(`mutation { login(input: { email: "manager1@demo.example", password: "demo-password" }) { ... on LoginPayload { session { token } } } }`);
const token: string = login.data.login.session.token;

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
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => void connected++, error: () => void failed++ },
    });
    clients.push(client);
    client.subscribe({ query: `subscription { reminderDue { id firedAt } }` }, {
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
  await gql(`mutation($d: DateTime!) { createTask(input: { title: "Fan-out", type: CALL, dueAt: $d }) { __typename } }`, { d: new Date().toISOString() }, token);
  await Promise.race([allDelivered, new Promise((r) => setTimeout(r, 60_000))]);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  console.log(`| ${n} | ${pct(0.5)} | ${pct(0.99)} | ${latencies[latencies.length - 1]} | ${latencies.length}/${subscribed} (${failed} failed to connect) | ${((rssAfter - rssBefore) / n / 1024).toFixed(1)} KiB |`);
  await Promise.all(clients.map((c) => c.dispose()));
  // Complete the task so the next round's subscribers do not catch it up.
  await new Promise((r) => setTimeout(r, 1000));
  const open = await gql(`{ myTasks(scope: OVERDUE) { edges { node { id version } } } }`, {}, token);
  for (const e of open.data.myTasks.edges) await gql(`mutation($id: ID!, $v: Int!) { completeTask(input: { id: $id, expectedVersion: $v }) { __typename } }`, { id: e.node.id, v: e.node.version }, token);
}
// npx does not forward signals to the API process: stop it directly, then leave.
process.kill(findServerPid(server.pid!), "SIGTERM");
await new Promise((r) => server.once("exit", r));
process.exit(0);

function findServerPid(root: number): number {
  const children = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  let pid = root;
  for (let next = children(pid); next.length; next = children(pid)) pid = next[next.length - 1]!;
  return pid;
}
