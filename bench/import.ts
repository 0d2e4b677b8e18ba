// Benchmark: a whole client base from CSV — 100,000 clients, 150,000 contacts with jobs and 1,000,000 orders —
// through the import engine (the code behind `npm run import` and `importRecords`), then the same files again.
// Usage: npx tsx bench/import.ts [postgres|pglite]   (default postgres; BENCH_DATABASE_URL, BENCH_SCALE=0.1 for a tenth)
// The PostgreSQL database is recreated; PGlite runs in a fresh temporary directory. Peak RSS is sampled every 100 ms.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrate.js";
import { provisionOrganization } from "../src/organizations/provision.js";
import { readCsv } from "../src/import/csv.js";
import { importClients, type ImportSummary } from "../src/import/import-clients.js";
import { importContacts } from "../src/import/import-contacts.js";
import { importOrders } from "../src/import/import-orders.js";
import { ms, recreateDatabase } from "./scale-data.js";

const target = process.argv[2] ?? "postgres";
const scale = Number(process.env.BENCH_SCALE ?? 1);
const CLIENTS = Math.round(100_000 * scale);
const CONTACTS = Math.round(150_000 * scale);
const ORDERS = Math.round(1_000_000 * scale);
const MANAGERS = 20;

const dir = await mkdtemp(path.join(tmpdir(), "crm-import-bench-"));
let peakRss = 0;
const sampler = setInterval(() => void (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

try {
  let t = process.hrtime.bigint();
  const files = await writeFiles(dir);
  console.log(`files: ${CLIENTS} clients, ${CONTACTS} contacts, ${ORDERS} orders written in ${(ms(t) / 1000).toFixed(1)} s (${await sizes(files)})`);

  const url = target === "pglite" ? `postgresql://localhost/embedded?pglite=${path.join(dir, "db")}` : process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/crm_bench_import";
  if (target !== "pglite") await recreateDatabase(url);
  const db = await openDatabase(url);
  await applyMigrations(db);
  const { organization } = await db.prisma.$transaction((tx) => provisionOrganization(tx, { name: "Import bench" }));
  await db.exec(`INSERT INTO "User" (id, "organizationId", email, name, role)
    SELECT gen_random_uuid(), '${organization.id}', 'm' || g || '@bench.test', 'Manager ' || g, 'MANAGER' FROM generate_series(0, ${MANAGERS - 1}) g`);
  const options = { organizationId: organization.id };
  peakRss = process.memoryUsage().rss;
  console.log(`baseline RSS after opening the database: ${mb(peakRss)}`);

  for (const round of ["first import", "re-import (nothing changes)"]) {
    const started = process.hrtime.bigint();
    peakRss = 0;
    for (const [kind, run, file] of [
      ["clients", importClients, files.clients],
      ["contacts", importContacts, files.contacts],
      ["orders", importOrders, files.orders],
    ] as const) {
      t = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const summary: ImportSummary = await run({ prisma: db.prisma, sql: db }, readCsv(createReadStream(file)), options);
      const seconds = ms(t) / 1000;
      const used = process.cpuUsage(cpu);
      console.log(`  ${round} ${kind}: ${seconds.toFixed(1)} s, ${Math.round(summary.rows / seconds)} rows/s, API process CPU ${((used.user + used.system) / 1e6).toFixed(1)} s — ` +
        `created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, refused ${summary.refused}`);
      if (summary.refused) throw new Error(`refused rows: ${JSON.stringify(summary.issues.slice(0, 3))}`);
    }
    console.log(`${target} ${round}: ${(ms(started) / 1000).toFixed(1)} s in all, peak RSS ${mb(peakRss)}`);
  }
  await db.close();
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}

/** Files shaped like a real export: clients with owners and phones; people with one or two jobs; orders over six years. */
async function writeFiles(into: string) {
  const files = { clients: path.join(into, "clients.csv"), contacts: path.join(into, "contacts.csv"), orders: path.join(into, "orders.csv") };
  await writeLines(files.clients, "externalId,name,kind,phone,email,website,ownerEmail", CLIENTS, (i) =>
    `C${i},"Client ${i}, LLC",COMPANY,+7495${String(1000000 + i).padStart(7, "0")},info${i}@client${i}.ru,client${i}.ru,m${i % MANAGERS}@bench.test`);
  await writeLines(files.contacts, "externalId,fullName,phones,emails,clientExternalId,title,isDecisionMaker,startedAt", CONTACTS, (i) =>
    `P${i % Math.round(CONTACTS * 0.8)},Person ${i % Math.round(CONTACTS * 0.8)},+7916${String(1000000 + (i % Math.round(CONTACTS * 0.8))).padStart(7, "0")},` +
    `p${i % Math.round(CONTACTS * 0.8)}@mail.ru,C${i % CLIENTS},Buyer,${i % 3 === 0 ? "yes" : "no"},${day(400 + (i % 2000))}`);
  const now = Date.now();
  await writeLines(files.orders, "externalId,clientExternalId,number,amount,invoicedAt,paidAt", ORDERS, (i) => {
    const ago = 2 + (i % 2190);
    return `O${i},C${i % CLIENTS},INV-${i},${1000 + (i % 90000)}.50,${day(ago, now)},${i % 10 === 0 ? "" : day(ago - 2, now)}`;
  });
  return files;
}

async function writeLines(file: string, header: string, count: number, line: (i: number) => string) {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 0; i < count; i++) if (!out.write(`${line(i)}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

function day(daysAgo: number, now = Date.now()) {
  return new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

async function sizes(files: Record<string, string>) {
  const all = await Promise.all(Object.values(files).map((f) => stat(f)));
  return `${mb(all.reduce((sum, s) => sum + s.size, 0))} of CSV`;
}

function mb(bytes: number) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
