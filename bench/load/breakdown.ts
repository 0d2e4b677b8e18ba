// Where the nested read's time goes, one request at a time (no concurrency, warm): the whole API in-process,
// Prisma alone with the includes the API uses, Prisma with narrow selects, and the floor's single SQL statement.
// Run after bench/load/run.ts has seeded crm_bench_load:  node --import tsx bench/load/breakdown.ts
import pg from "pg";
import { openSession } from "../../src/auth/sessions.js";
import { loadConfig } from "../../src/config.js";
import { buildApp } from "../../src/server/app.js";
import { PAGE_QUERIES } from "./queries.js";
import { PAGE_SQL } from "./raw-floor.js";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_load";
const config = loadConfig({ NODE_ENV: "production", JWT_SECRET: "bench-secret-0123456789abcdef0123456789", DATABASE_URL, SEED_DEMO: "0", BACKGROUND_JOBS: "0", LOG_LEVEL: "warn" });
const app = await buildApp({ config });
const pothosApp = await buildApp({ config: { ...config, compiledReads: false }, database: app.database });
const prisma = app.database.prisma;
const head = await prisma.user.findFirstOrThrow({ where: { role: "HEAD_OF_SALES" } });
const org = head.organizationId;
const { accessToken: token } = await openSession(prisma, config.jwt, { userId: head.id, organizationId: org, role: "HEAD_OF_SALES" });

async function time(label: string, run: () => Promise<unknown>, extra = "") {
  for (let i = 0; i < 20; i++) await run();
  const start = performance.now();
  for (let i = 0; i < 50; i++) await run();
  console.log(`| ${label} | ${((performance.now() - start) / 50).toFixed(1)} | ${extra} |`);
}

console.log("| step | ms per request | notes |\n|---|---:|---|");
const page = (target = app) => () =>
  target.fetch(new Request("http://bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: PAGE_QUERIES.api }),
  })).then((r) => r.text());
const statementsOf = async (run: () => Promise<unknown>) => {
  const before = app.database.statementCount();
  await run();
  return app.database.statementCount() - before;
};
await time("whole API request, compiled read path (auth, GraphQL, one SQL statement, JSON)", page(), `${await statementsOf(page())} SQL statements`);
await time("whole API request, through Pothos (COMPILED_READS=0)", page(pothosApp), `${await statementsOf(page(pothosApp))} SQL statements`);
await time("Prisma only: findMany with the API's includes", () => prisma.client.findMany({
  where: { organizationId: org }, orderBy: [{ name: "asc" }, { id: "asc" }], take: 51,
  include: { stage: true, owner: true, employments: { where: { endedAt: null }, include: { contact: true } }, tasks: { where: { status: "OPEN" } } },
}), "all columns of every row");
await time("Prisma only: the same with narrow selects", () => prisma.client.findMany({
  where: { organizationId: org }, orderBy: [{ name: "asc" }, { id: "asc" }], take: 51,
  select: {
    id: true, name: true, stage: { select: { name: true } }, owner: { select: { name: true } },
    employments: { where: { endedAt: null }, select: { title: true, contact: { select: { fullName: true } } } },
    tasks: { where: { status: "OPEN" }, select: { title: true, dueAt: true } },
  },
}), "only the columns the page shows");
const raw = new pg.Client({ connectionString: DATABASE_URL });
await raw.connect();
await time("raw SQL: the floor's one statement", () => raw.query(PAGE_SQL, [org]), "JSON built in PostgreSQL");
await raw.end();
await pothosApp.stop();
await app.stop();
