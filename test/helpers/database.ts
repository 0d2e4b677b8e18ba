import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.js";

/**
 * Every test file gets its own empty database: in-memory PGlite by default, or, with
 * TEST_DATABASE=postgres, a fresh PostgreSQL database created for this run and dropped after.
 */
export async function openTestDatabase(): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  if (process.env.TEST_DATABASE !== "postgres") {
    const url = "postgresql://localhost/test?pglite=memory:";
    const database = await openDatabase(url);
    return { database, url, drop: () => database.close() };
  }
  const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `crm_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase(url.toString());
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      if (!name.startsWith("crm_test_")) throw new Error("refusing to drop a non-test database");
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
