import type { Database, SqlConnection } from "../db/database.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { sqlTimestamp } from "../shared/sql-time.js";

/**
 * Set-based reads and writes for the import, in plain SQL: one statement per batch, whatever its size. Prisma's
 * createMany, per-row updates and even its raw queries spend most of an import in the ORM's own runtime (measured:
 * about 2,000 rows/s with createMany; raw queries compile every call with their parameters; see BENCHMARKS.md), so
 * the import sends `INSERT … SELECT FROM unnest($n::text[] …)` and `UPDATE … FROM unnest(…)`: every value travels as
 * a parameter (one text array per column, so the statement text and its parameter count stay fixed), and PostgreSQL
 * casts each column to its type. Table and column names come from the code, never from a file.
 */

export type SqlType = "uuid" | "text" | "numeric" | "timestamp" | "boolean" | "jsonb" | "text[]" | "ClientKind" | "ChannelSource";

/** What the import needs of the database: Prisma for small reads, plain SQL for the batches. */
export interface ImportDatabase {
  prisma: PrismaClient;
  sql: SqlConnection & Pick<Database, "transaction">;
}


export interface BulkColumn {
  name: string;
  type: SqlType;
}

type Tx = Pick<SqlConnection, "query">;

/**
 * One batch, one transaction. The commit does not wait for the WAL flush (synchronous_commit off, for this
 * transaction only): a crash can lose at most the last batches of an import, never corrupt anything, and the import
 * is idempotent, so running the file again completes it. Waiting for a flush per 1,000 rows would cost more than
 * the writes themselves.
 */
export function inImportTransaction(db: ImportDatabase, write: (tx: SqlConnection) => Promise<void>): Promise<void> {
  return db.sql.transaction(async (tx) => {
    await tx.query("SET LOCAL synchronous_commit = off");
    await write(tx);
  });
}
type Row = Record<string, unknown>;

/** Inserts rows (each has a value for every column) into `table`, stamped with the organization. */
export async function insertRows(tx: Tx, table: string, organizationId: string, columns: BulkColumn[], rows: Row[], extra: Record<string, string> = {}) {
  if (!rows.length) return;
  const names = [...columns.map((c) => quote(c.name)), ...Object.keys(extra).map(quote)];
  const values = [...columns.map((c, i) => cast(`u.c${i}`, c.type)), ...Object.values(extra)];
  await tx.query(
    `INSERT INTO ${quote(table)} ("organizationId", ${names.join(", ")}) SELECT $1::uuid, ${values.join(", ")} ` +
      `FROM unnest(${columns.map((_, i) => `$${i + 2}::text[]`).join(", ")}) AS u(${columns.map((_, i) => `c${i}`).join(", ")})`,
    [organizationId, ...columns.map((c) => rows.map((row) => serialise(row[c.name], c.type)))],
  );
}

/**
 * Updates rows by id: each row sets the columns it names (rows naming the same columns share one statement) and
 * bumps the record's version, as any other edit does, so a client holding the old version sees the conflict.
 */
export async function updateRows(tx: Tx, table: string, organizationId: string, columns: BulkColumn[], updates: { id: string; data: Row }[], extra: Record<string, string> = {}) {
  const groups = new Map<string, { id: string; data: Row }[]>();
  for (const update of updates) {
    const key = Object.keys(update.data).sort().join(",");
    groups.set(key, [...(groups.get(key) ?? []), update]);
  }
  for (const group of groups.values()) {
    const set = columns.filter((c) => c.name in group[0]!.data);
    const assignments = [...set.map((c, i) => `${quote(c.name)} = ${cast(`u.c${i}`, c.type)}`), `"version" = t."version" + 1`, ...Object.entries(extra).map(([k, v]) => `${quote(k)} = ${v}`)];
    await tx.query(
      `UPDATE ${quote(table)} AS t SET ${assignments.join(", ")} ` +
        `FROM unnest($2::uuid[]${set.map((_, i) => `, $${i + 3}::text[]`).join("")}) AS u(id${set.map((_, i) => `, c${i}`).join("")}) ` +
        `WHERE t.id = u.id AND t."organizationId" = $1::uuid`,
      [organizationId, group.map((u) => u.id), ...set.map((c) => group.map((u) => serialise(u.data[c.name], c.type)))],
    );
  }
}

function cast(expression: string, type: SqlType): string {
  switch (type) {
    case "text": return expression;
    case "text[]": return `ARRAY(SELECT jsonb_array_elements_text(${expression}::jsonb))`;
    case "ClientKind":
    case "ChannelSource": return `${expression}::"${type}"`;
    default: return `${expression}::${type}`;
  }
}

function serialise(value: unknown, type: SqlType): string | null {
  if (value === null || value === undefined) return type === "jsonb" ? "{}" : type === "text[]" ? "[]" : null;
  if (type === "jsonb" || type === "text[]") return JSON.stringify(value);
  if (value instanceof Date) return sqlTimestamp(value);
  return String(value);
}

const quote = (name: string) => `"${name}"`;

/**
 * Existing records found any of several ways (by external id, by phone…), in one statement: each way is a SELECT
 * over its own parameters, and a way with nothing to look for is left out, so a batch keyed only by external ids
 * never scans the phone or e-mail indexes. Duplicates (a record found two ways) are the caller's to merge.
 */
export async function findAnyWay<T>(
  sql: Pick<SqlConnection, "query">,
  ways: { lookFor: unknown[]; select: (param: (value: unknown) => string) => string }[],
): Promise<T[]> {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const parts = ways.filter((way) => way.lookFor.length > 0).map((way) => way.select(param));
  return parts.length ? sql.query<T>(parts.join("\nUNION ALL\n"), values) : [];
}

/** Client external id → id, for rows that name their client by it (orders, jobs): one statement per batch. */
export async function clientIdsByExternalId(sql: Pick<SqlConnection, "query">, organizationId: string, externalIds: string[]): Promise<Map<string, string>> {
  const clients = await findAnyWay<{ id: string; externalId: string }>(sql, [
    { lookFor: externalIds, select: (p) => `SELECT id, "externalId" FROM "Client" WHERE "organizationId" = ${p(organizationId)}::uuid AND "externalId" = ANY(${p(externalIds)}::text[])` },
  ]);
  return new Map(clients.map((c) => [c.externalId, c.id]));
}
