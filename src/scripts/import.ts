// npm run import -- <clients|contacts|orders> <file.csv> [--dry-run] [--organization <uuid>] [--map "Header=field" ...]
// Imports into the database DATABASE_URL names (the embedded one by default), with a progress bar and a summary.
import { createReadStream, statSync } from "node:fs";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { pendingMigrations } from "../db/migrate.js";
import { readCsv, CsvFormatError } from "../import/csv.js";
import { ImportFileError } from "../import/run-import.js";
import { IMPORTERS } from "../import/importers.js";
import { StartupError } from "../startup-error.js";

const USAGE = "usage: npm run import -- <clients|contacts|orders> <file.csv> [--dry-run] [--organization <id>] [--map \"Header=field\"]";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "dry-run": { type: "boolean", default: false }, organization: { type: "string" }, map: { type: "string", multiple: true } },
});
const [kind, file] = positionals;
const KINDS = { clients: "CLIENTS", contacts: "CONTACTS", orders: "ORDERS" } as const;
if (!kind || !(kind in KINDS) || !file) fail(USAGE);

try {
  const config = loadConfig({ ...process.env, SEED_DEMO: "0", LOG_LEVEL: "warn" });
  const database = await openDatabase(config.databaseUrl);
  try {
    const pending = await pendingMigrations(database);
    if (pending.length) fail(`Cannot import: the database is missing migrations (${pending.join(", ")}); run npm run migrate first`);
    const organizationId = await organizationOf(database.prisma, values.organization);
    const mapping = Object.fromEntries((values.map ?? []).map((m) => m.split("=").map((s) => s.trim()) as [string, string]));
    const bytes = statSync(file!).size;
    const bar = new cliProgress.SingleBar({ format: "{bar} {percentage}% | {value} rows | {speed} rows/s | ETA {eta_formatted}" }, cliProgress.Presets.shades_classic);
    const started = Date.now();
    let readBytes = 0;
    const stream = createReadStream(file!);
    stream.on("data", (chunk) => void (readBytes += chunk.length));
    bar.start(100, 0, { speed: 0 });
    const summary = await IMPORTERS[KINDS[kind as keyof typeof KINDS]]({ prisma: database.prisma, sql: database }, readCsv(stream), {
      organizationId,
      dryRun: values["dry-run"],
      mapping,
      onProgress: ({ rows }) => bar.update(Math.round((readBytes / Math.max(bytes, 1)) * 100), { value: rows, speed: Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001)) }),
    });
    bar.update(100, { value: summary.rows });
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    console.log(`${values["dry-run"] ? "Dry run (nothing written): would create" : "Created"} ${summary.created}, ${values["dry-run"] ? "update" : "updated"} ${summary.updated}, ` +
      `unchanged ${summary.unchanged}, refused ${summary.refused} of ${summary.rows} rows in ${seconds.toFixed(1)} s`);
    if (summary.unknownColumns.length) console.log(`Columns not imported (no matching field): ${summary.unknownColumns.join(", ")}`);
    for (const issue of summary.issues.slice(0, 100)) console.log(`  line ${issue.line}, ${issue.column}: ${issue.message}`);
    if (summary.issues.length > 100) console.log(`  … and ${summary.issues.length - 100} more`);
    process.exitCode = summary.refused ? 2 : 0;
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof ImportFileError || error instanceof CsvFormatError) fail(`Cannot import: ${error.message}`);
  throw error;
}

async function organizationOf(prisma: import("../generated/prisma/client.js").PrismaClient, wanted: string | undefined): Promise<string> {
  if (wanted) {
    if (!(await prisma.organization.findUnique({ where: { id: wanted }, select: { id: true } }).catch(() => null))) fail(`No organization ${wanted}`);
    return wanted;
  }
  const organizations = await prisma.organization.findMany({ select: { id: true, name: true }, take: 10 });
  if (organizations.length === 1) return organizations[0]!.id;
  fail(organizations.length ? `Several organizations: pass --organization <id> (${organizations.map((o) => `${o.id} ${o.name}`).join("; ")})` : "No organization yet: sign up first");
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
