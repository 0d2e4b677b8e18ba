// Load test (issue 8): the nested client page and a mutation mix against our API, side by side with the same page
// through PostGraphile 5 and a raw node:http + pg floor, all on one PostgreSQL database with 10,000 clients.
//
//   npm --prefix bench/load/peers ci          # PostGraphile lives outside the main package
//   node --import tsx bench/load/run.ts       # env: BENCH_DATABASE_URL, BENCH_CLIENTS, BENCH_SECONDS, BENCH_CONNECTIONS
//
// Each server is its own process; autocannon runs in this one. All share the machine's cores, so figures are
// comparable with each other, not with a dedicated load generator.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { loadConfig } from "../../src/config.js";
import { issueToken } from "../../src/auth/tokens.js";
import { encodeId } from "../../src/graphql/global-id.js";
import { seedLoadData } from "./seed.js";
import { PAGE_QUERIES, normalisePage, type Page } from "./queries.js";
import { mutationMix } from "./mutation-mix.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_load";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const JWT_SECRET = "bench-secret-0123456789abcdef0123456789";
const PORTS = { api: 4101, postgraphile: 4102, raw: 4103 };

if (!existsSync(path.join(ROOT, "bench/load/peers/node_modules/postgraphile"))) {
  console.error("PostGraphile is not installed: run `npm --prefix bench/load/peers ci` first.");
  process.exit(1);
}

console.log(`Seeding ${CLIENTS} clients into ${DATABASE_URL} ...`);
const { organizationId, headId } = await seedLoadData(DATABASE_URL, CLIENTS);
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

const servers = await Promise.all([
  start("api", ["--import", "tsx", "src/main.ts"], {
    NODE_ENV: "production", JWT_SECRET, DATABASE_URL, PORT: String(PORTS.api), SEED_DEMO: "0", BACKGROUND_JOBS: "0",
    MIGRATE_ON_START: "0", LOG_LEVEL: "info",
  }, /CRM GraphQL API on/),
  start("postgraphile", ["bench/load/peers/postgraphile-server.mjs"], { DATABASE_URL, PORT: String(PORTS.postgraphile) }, /postgraphile listening/),
  start("raw", ["--import", "tsx", "bench/load/raw-floor.ts"], { DATABASE_URL, PORT: String(PORTS.raw), ORGANIZATION_ID: organizationId }, /raw floor listening/),
]);
void servers;

const jwt = loadConfig({ NODE_ENV: "production", JWT_SECRET }).jwt;
const token = await issueToken(jwt, { userId: headId, organizationId, role: "HEAD_OF_SALES" });
const targets = {
  api: { url: `http://127.0.0.1:${PORTS.api}/graphql`, method: "POST" as const, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: PAGE_QUERIES.api }) },
  postgraphile: { url: `http://127.0.0.1:${PORTS.postgraphile}/graphql`, method: "POST" as const, headers: { "content-type": "application/json" }, body: JSON.stringify({ query: PAGE_QUERIES.postgraphile, variables: { org: organizationId } }) },
  raw: { url: `http://127.0.0.1:${PORTS.raw}/`, method: "GET" as const, headers: {}, body: undefined },
};

// The three must return the same page before their speed means anything.
const pages: Record<string, Page> = {};
for (const [name, target] of Object.entries(targets)) {
  const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
  const json = await response.json();
  if (json.errors) throw new Error(`${name}: ${JSON.stringify(json.errors)}`);
  pages[name] = normalisePage(name as keyof typeof PAGE_QUERIES, json);
}
const reference = JSON.stringify(pages.raw);
for (const [name, page] of Object.entries(pages)) {
  if (JSON.stringify(page) !== reference) throw new Error(`${name} returned a different page than the raw floor`);
}
const sample = pages.raw![0]!;
console.log(`All three return the same 50 clients (first: ${sample.name}, ${sample.contacts.length} contacts, ${sample.tasks.length} open tasks).`);

type Row = { target: string; reqPerSec: number; p50: number; p99: number; non2xx: number; errors: number; graphqlErrors: number; extra?: string };
const rows: Row[] = [];
for (const [name, target] of Object.entries(targets)) {
  await load(target, 3); // warm-up: JIT, pools, plan caches
  const result = await load(target, SECONDS);
  rows.push(row(`nested read: ${name}`, result, 0));
}

const mix = mutationMix({ url: targets.api.url, token, clientIds: await clientIds(), encodeId });
await load({ ...targets.api, requests: mix.requests } as never, 3);
mix.reset();
const mixed = await load({ ...targets.api, requests: mix.requests } as never, SECONDS);
rows.push(row("mutation mix: api", mixed, mix.graphqlErrors(), mix.summary()));

console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per target, ${CLIENTS} clients\n`);
console.log("| target | req/s | p50 ms | p99 ms | non-2xx | errors | GraphQL errors | notes |");
console.log("|---|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows) {
  console.log(`| ${r.target} | ${r.reqPerSec.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${r.graphqlErrors} | ${r.extra ?? ""} |`);
}
const rps = (t: string) => rows.find((r) => r.target === `nested read: ${t}`)!.reqPerSec;
console.log(`\nratios (nested read, req/s): api / postgraphile = ${(rps("api") / rps("postgraphile")).toFixed(2)}, api / raw floor = ${(rps("api") / rps("raw")).toFixed(2)}, postgraphile / raw floor = ${(rps("postgraphile") / rps("raw")).toFixed(2)}`);
process.exit(0);

function load(target: { url: string; method: "GET" | "POST"; headers: Record<string, string>; body?: string; requests?: unknown[] }, seconds: number) {
  return autocannon({ ...target, connections: CONNECTIONS, duration: seconds } as autocannon.Options);
}

function row(target: string, result: autocannon.Result, graphqlErrors: number, extra?: string): Row {
  return { target, reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, graphqlErrors, extra };
}

async function clientIds(): Promise<string[]> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows: found } = await client.query<{ id: string }>(`SELECT id FROM "Client" ORDER BY name`);
  await client.end();
  return found.map((r) => r.id);
}

function start(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      if (ready.test(output)) return; // keep draining the pipe after start
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)));
  });
}
