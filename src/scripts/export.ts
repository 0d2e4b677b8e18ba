// npm run export -- <clients|contacts|orders> [--organization <uuid>] > file.csv
// Writes the organization's records as CSV (the import's format) to stdout, from the database DATABASE_URL names.
import { parseArgs } from "node:util";
import { once } from "node:events";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { exportClientsCsv } from "../export/clients-csv.js";
import { exportContactsCsv } from "../export/contacts-csv.js";
import { exportOrdersCsv } from "../export/orders-csv.js";
import { StartupError } from "../startup-error.js";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { organization: { type: "string" } } });
const EXPORTS = { clients: exportClientsCsv, contacts: exportContactsCsv, orders: exportOrdersCsv } as const;
const kind = positionals[0] as keyof typeof EXPORTS;
if (!(kind in EXPORTS)) fail("usage: npm run export -- <clients|contacts|orders> [--organization <id>] > file.csv");

try {
  const config = loadConfig({ ...process.env, SEED_DEMO: "0", LOG_LEVEL: "warn" });
  const database = await openDatabase(config.databaseUrl);
  try {
    const organizations = await database.prisma.organization.findMany({ select: { id: true, name: true }, take: 10 });
    const organizationId = values.organization ?? (organizations.length === 1 ? organizations[0]!.id : undefined);
    if (!organizationId) fail(`Pass --organization <id> (${organizations.map((o) => `${o.id} ${o.name}`).join("; ") || "no organization yet"})`);
    for await (const chunk of EXPORTS[kind](database.prisma, { organizationId })) {
      if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
    }
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) fail(`Cannot export: ${error.message}`);
  throw error;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
