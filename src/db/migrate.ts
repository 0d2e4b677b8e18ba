import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database, SqlConnection } from "./database.js";

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/**
 * Applies pending migrations from prisma/migrations, in order, recording them in Prisma's own
 * `_prisma_migrations` table (same checksum), so `prisma migrate status/deploy` agree with us.
 * Runs in-process because PGlite allows one process per data directory.
 */
export interface MigrateOptions {
  /** Stop after this migration: upgrade tests load data in an older schema, then migrate it. */
  through?: string;
  /** Told before each migration runs (migrating can take a while: say what is happening). */
  onMigration?: (name: string, index: number, total: number) => void;
}

export function applyMigrations(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  return db.withConnection((conn) => applyOn(conn, db.kind === "postgres", options));
}

/**
 * Migrations in prisma/migrations not yet applied to this database. An instance started without migrating
 * refuses to run against an older schema rather than fail later on a missing column.
 */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const [table] = await db.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
  const done = new Set(table?.exists ? await appliedNames(db) : []);
  return (await migrationNames()).filter((name) => !done.has(name));
}

async function appliedNames(db: SqlConnection): Promise<string[]> {
  const rows = await db.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return rows.map((r) => r.migration_name);
}

async function migrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function applyOn(db: SqlConnection, lock: boolean, { through, onMigration }: MigrateOptions): Promise<string[]> {
  // Several instances may start at once against one PostgreSQL: serialise them.
  if (lock) await db.exec("SELECT pg_advisory_lock(72707369)");
  await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  try {
    const done = new Set(await appliedNames(db));
    const names = await migrationNames();
    const pending = names.filter((name) => !done.has(name) && !(through && name > through));
    const applied: string[] = [];
    for (const name of pending) {
      onMigration?.(name, applied.length + 1, pending.length);
      const sql = await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      await db.exec(`BEGIN;\n${sql}\n;COMMIT;`).catch(async (error) => {
        await db.exec("ROLLBACK").catch(() => {});
        throw new Error(`migration ${name} failed: ${(error as Error).message}`);
      });
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), checksum, name],
      );
      applied.push(name);
    }
    return applied;
  } finally {
    if (lock) await db.exec("SELECT pg_advisory_unlock(72707369)");
  }
}
