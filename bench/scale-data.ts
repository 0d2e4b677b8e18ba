// Shared bench fixture: a fresh PostgreSQL database with one organization, managers, N clients and M orders.
import pg from "pg";
import { openDatabase, type Database } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrate.js";
import { provisionOrganization } from "../src/organizations/provision.js";

export const MANAGERS = 20;

export async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!name.startsWith("crm_bench")) throw new Error("refusing to recreate a database whose name does not start with crm_bench");
  target.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

/**
 * Clients are spread over managers; order k of client rn is paid k × gap days before the client's last purchase
 * (gaps 10..69 days, last purchase 0..199 days ago), every 20th order cancelled.
 */
export async function seedScale(url: string, clients: number, orders: number): Promise<{ db: Database; organizationId: string }> {
  await recreateDatabase(url);
  const db = await openDatabase(url);
  await applyMigrations(db);
  const { organization } = await db.prisma.$transaction((tx) => provisionOrganization(tx, { name: "Bench" }));
  const org = organization.id;
  await db.exec(`
    INSERT INTO "User" (id, "organizationId", email, name, role)
    SELECT gen_random_uuid(), '${org}', 'm' || g || '@bench.test', 'Manager ' || g, CASE WHEN g = 0 THEN 'HEAD_OF_SALES'::"Role" ELSE 'MANAGER'::"Role" END
    FROM generate_series(0, ${MANAGERS}) g;
    CREATE TEMP TABLE managers AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM "User" WHERE role = 'MANAGER';
    INSERT INTO "Client" (id, "organizationId", name, "ownerId", "updatedAt")
    SELECT gen_random_uuid(), '${org}', 'Client ' || g, m.id, now()
    FROM generate_series(0, ${clients - 1}) g JOIN managers m ON m.rn = g % ${MANAGERS};
    CREATE TEMP TABLE numbered AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM "Client";
    CREATE INDEX ON numbered (rn);
    INSERT INTO "Order" (id, "organizationId", "clientId", amount, "invoicedAt", "paidAt", "cancelledAt")
    SELECT gen_random_uuid(), '${org}', n.id, (1000 + (g % 9000))::numeric(14, 2),
           now() - make_interval(days => ((g / ${clients}) * (10 + n.rn % 60) + n.rn % 200 + 2)::int),
           now() - make_interval(days => ((g / ${clients}) * (10 + n.rn % 60) + n.rn % 200)::int),
           CASE WHEN g % 20 = 0 THEN now() ELSE NULL END
    FROM generate_series(0, ${orders - 1}) g JOIN numbered n ON n.rn = g % ${clients};
  `);
  return { db, organizationId: org };
}

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
