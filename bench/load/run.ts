// Load test: the API side by side with PostGraphile 5 and a raw node:http + pg floor on one PostgreSQL database with
// 10,000 clients. Three reads (the nested client page, the client card, a manager's tasks) and a mutation mix.
//
//   npm --prefix bench/load/peers ci          # PostGraphile lives outside the main package
//   node --import tsx bench/load/run.ts       # env: BENCH_DATABASE_URL, BENCH_CLIENTS, BENCH_SECONDS, BENCH_ROUNDS,
//                                             #      BENCH_CONNECTIONS, BENCH_API_ENV (extra env for the API, e.g. COMPILED_READS=0)
//
// Each server is its own process; autocannon runs in this one. Targets are interleaved: every round runs each one
// for BENCH_SECONDS, in a rotating order, so drift on the shared machine hits all of them alike. Per target it
// reports req/s (median of the rounds), latency, and per request: server CPU, PostgreSQL CPU (all postgres
// processes, from /proc) and SQL statements (transactions committed in the bench database; reads autocommit).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { sessionTokenOverSql } from "../../src/auth/sessions.js";
import { encodeId } from "../../src/graphql/global-id.js";
import { seedLoadData } from "./seed.js";
import { CARD_QUERY, MY_TASKS_QUERY, PAGE_QUERIES, normalisePage, type Page } from "./queries.js";
import { mutationMix } from "./mutation-mix.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_load";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const JWT_SECRET = "bench-secret-0123456789abcdef0123456789";
const PORTS = { api: 4101, postgraphile: 4102, raw: 4103 };
const TICK_MS = 1000 / 100; // /proc CPU times are in clock ticks (USER_HZ = 100 on Linux)

if (!existsSync(path.join(ROOT, "bench/load/peers/node_modules/postgraphile"))) {
  console.error("PostGraphile is not installed: run `npm --prefix bench/load/peers ci` first.");
  process.exit(1);
}

console.log(`Seeding ${CLIENTS} clients into ${DATABASE_URL} ...`);
const seeded = await seedLoadData(DATABASE_URL, CLIENTS);
const { organizationId } = seeded;
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

const apiEnv = Object.fromEntries((process.env.BENCH_API_ENV ?? "").split(/\s+/).filter(Boolean).map((kv) => kv.split("=") as [string, string]));
const [api, postgraphile, raw] = await Promise.all([
  start("api", ["--import", "tsx", "src/main.ts"], {
    NODE_ENV: "production", JWT_SECRET, DATABASE_URL, PORT: String(PORTS.api), SEED_DEMO: "0", BACKGROUND_JOBS: "0",
    MIGRATE_ON_START: "0", LOG_LEVEL: "info", ...apiEnv,
  }, /CRM GraphQL API on/),
  start("postgraphile", ["bench/load/peers/postgraphile-server.mjs"], { DATABASE_URL, PORT: String(PORTS.postgraphile) }, /postgraphile listening/),
  start("raw", ["--import", "tsx", "bench/load/raw-floor.ts"], {
    DATABASE_URL, PORT: String(PORTS.raw), ORGANIZATION_ID: organizationId, CARD_CLIENT_ID: seeded.cardClientId, MANAGER_ID: seeded.managerId,
  }, /raw floor listening/),
]);
const pids = { api: api.pid!, postgraphile: postgraphile.pid!, raw: raw.pid! };

const jwt = loadConfig({ NODE_ENV: "production", JWT_SECRET }).jwt;
const sessionDb = new pg.Client({ connectionString: DATABASE_URL });
await sessionDb.connect();
const headToken = await sessionTokenOverSql(sessionDb, jwt, { userId: seeded.headId, organizationId, role: "HEAD_OF_SALES" });
const managerToken = await sessionTokenOverSql(sessionDb, jwt, { userId: seeded.managerId, organizationId, role: "MANAGER" });
await sessionDb.end();
const apiUrl = `http://127.0.0.1:${PORTS.api}/graphql`;
const gql = (token: string, query: string, variables?: object) => ({
  url: apiUrl, method: "POST" as const,
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify({ query, variables }),
});
const get = (route: string) => ({ url: `http://127.0.0.1:${PORTS.raw}${route}`, method: "GET" as const, headers: {}, body: undefined });

type Target = { url: string; method: "GET" | "POST"; headers: Record<string, string>; body?: string; requests?: unknown[] };
type Scenario = { name: string; server: keyof typeof pids; target: Target };
const scenarios: Scenario[] = [
  { name: "page: api", server: "api", target: gql(headToken, PAGE_QUERIES.api) },
  { name: "page: postgraphile", server: "postgraphile", target: { url: `http://127.0.0.1:${PORTS.postgraphile}/graphql`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: PAGE_QUERIES.postgraphile, variables: { org: organizationId } }) } },
  { name: "page: raw floor", server: "raw", target: get("/") },
  { name: "card: api", server: "api", target: gql(headToken, CARD_QUERY, { id: encodeId("Client", seeded.cardClientId) }) },
  { name: "card: raw floor", server: "raw", target: get("/card") },
  { name: "myTasks: api", server: "api", target: gql(managerToken, MY_TASKS_QUERY) },
  { name: "myTasks: raw floor", server: "raw", target: get("/my-tasks") },
];

// Every target must return the same data before its speed means anything.
const answer = async (t: Target) => (await fetch(t.url, { method: t.method, headers: t.headers, body: t.body })).json() as Promise<any>;
const pages: Record<string, Page> = {};
for (const s of scenarios.slice(0, 3)) {
  const json = await answer(s.target);
  if (json.errors) throw new Error(`${s.name}: ${JSON.stringify(json.errors)}`);
  pages[s.name] = normalisePage(s.server as keyof typeof PAGE_QUERIES, json);
}
for (const [name, page] of Object.entries(pages)) {
  if (JSON.stringify(page) !== JSON.stringify(pages["page: raw floor"])) throw new Error(`${name} returned a different page than the raw floor`);
}
for (const [a, b] of [[3, 4], [5, 6]] as const) {
  // The answers' data and errors must match; the API also reports the operation's cost in `extensions`.
  const [x, y] = (await Promise.all([answer(scenarios[a]!.target), answer(scenarios[b]!.target)])).map((r) => ({ data: r.data, errors: r.errors }));
  if (JSON.stringify(x) !== JSON.stringify(y)) throw new Error(`${scenarios[a]!.name} differs from the floor:\n${JSON.stringify(x).slice(0, 800)}\n${JSON.stringify(y).slice(0, 800)}`);
}
const card = (await answer(scenarios[3]!.target)).data.node;
console.log(`Same data from every target (page of 50; card with ${card.activities.edges.length} activities and ${card.orders.edges.length} orders).`);

const mix = mutationMix({ url: apiUrl, token: headToken, clientIds: await clientIds(), encodeId });
scenarios.push({ name: "mutation mix: api", server: "api", target: { ...gql(headToken, ""), requests: mix.requests } as Target });

type Sample = { reqPerSec: number; p50: number; p99: number; requests: number; non2xx: number; errors: number; serverCpuMs: number; dbCpuMs: number; statements: number };
const samples = new Map<string, Sample[]>(scenarios.map((s) => [s.name, []]));
for (const s of scenarios) await load(s.target, 2); // warm-up: JIT, pools, plan caches
mix.reset();
for (let round = 0; round < ROUNDS; round++) {
  const order = scenarios.map((_, i) => scenarios[(i + round) % scenarios.length]!);
  for (const s of order) {
    const before = { server: cpuTicks(pids[s.server]), db: postgresTicks(), xacts: await commits() };
    const result = await load(s.target, SECONDS);
    const after = { server: cpuTicks(pids[s.server]), db: postgresTicks(), xacts: await commits() };
    const n = Math.max(1, result.requests.total);
    samples.get(s.name)!.push({
      reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total,
      non2xx: result.non2xx, errors: result.errors,
      serverCpuMs: ((after.server - before.server) * TICK_MS) / n,
      dbCpuMs: ((after.db - before.db) * TICK_MS) / n,
      statements: (after.xacts - before.xacts - 1) / n, // minus the commits() probe itself
    });
    console.log(`round ${round + 1}: ${s.name} ${result.requests.average.toFixed(0)} req/s`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = new Map(scenarios.map((s) => {
  const list = samples.get(s.name)!;
  const mid = list.find((x) => x.reqPerSec === median(list.map((y) => y.reqPerSec)))!;
  return [s.name, { ...mid, rounds: list.map((x) => x.reqPerSec.toFixed(0)).join(" / "), non2xx: sum(list, "non2xx"), errors: sum(list, "errors") }];
}));
console.log(`\n${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s per target, interleaved, ${CLIENTS} clients\n`);
console.log("| target | req/s (median) | rounds | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL statements/req | non-2xx | errors |");
console.log("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [name, r] of summary) {
  console.log(`| ${name} | ${r.reqPerSec.toFixed(0)} | ${r.rounds} | ${r.p50} | ${r.p99} | ${r.serverCpuMs.toFixed(2)} | ${r.dbCpuMs.toFixed(2)} | ${r.statements.toFixed(1)} | ${r.non2xx} | ${r.errors} |`);
}
const rps = (name: string) => summary.get(name)!.reqPerSec;
const ratio = (a: string, b: string) => (rps(a) / rps(b)).toFixed(2);
console.log(`\nratios (req/s, medians): page api / postgraphile = ${ratio("page: api", "page: postgraphile")}, page api / floor = ${ratio("page: api", "page: raw floor")}, ` +
  `postgraphile / floor = ${ratio("page: postgraphile", "page: raw floor")}, card api / floor = ${ratio("card: api", "card: raw floor")}, myTasks api / floor = ${ratio("myTasks: api", "myTasks: raw floor")}`);
console.log(`per round, page api / postgraphile: ${samples.get("page: api")!.map((a, i) => (a.reqPerSec / samples.get("page: postgraphile")![i]!.reqPerSec).toFixed(2)).join(" / ")}`);
console.log(`mutation mix: ${mix.summary()}, GraphQL errors ${mix.graphqlErrors()}`);
process.exit(0);

function sum(list: Sample[], key: "non2xx" | "errors") {
  return list.reduce((total, x) => total + x[key], 0);
}

function load(target: Target, seconds: number) {
  return autocannon({ ...target, connections: CONNECTIONS, duration: seconds } as autocannon.Options);
}

/** utime + stime of one process, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * CPU of the local PostgreSQL server, in clock ticks: every live postgres process, plus what exited backends
 * used (the postmaster's cutime + cstime), so connections that come and go are still counted.
 */
function postgresTicks(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/comm`, "utf8").startsWith("postgres")) continue;
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
      total += Number(fields[11]) + Number(fields[12]);
      const parent = Number(fields[1]);
      const parentIsPostgres = readFileSync(`/proc/${parent}/comm`, "utf8").startsWith("postgres");
      if (!parentIsPostgres) total += Number(fields[13]) + Number(fields[14]); // the postmaster: its reaped children
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

async function commits(): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ n: string }>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`);
  await client.end();
  return Number(rows[0]!.n);
}

async function clientIds(): Promise<string[]> {
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
