import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PrismaClient } from "../generated/prisma/client.js";
import { resolveDatabase } from "./database-url.js";
import { lockDataDirectory } from "./embedded-lock.js";

export interface SqlConnection {
  exec(sql: string): Promise<void>;
  /**
   * `prepare`: the statement repeats (compiled reads), so a real server may keep its plan per connection. Only the
   * first PREPARED_LIMIT distinct texts are prepared, so a stream of distinct documents cannot fill the server's memory.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: { prepare?: boolean }): Promise<T[]>;
}

const PREPARED_LIMIT = 500;

export interface Database extends SqlConnection {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /**
   * Runs `fn` in one transaction on plain SQL (committed when it resolves, rolled back when it throws). On PGlite
   * other queries wait until it ends, as they would for another connection's locks.
   */
  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T>;
  /** Runs `fn` on one dedicated connection (session-level locks, multi-statement work). */
  withConnection<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T>;
  /** Counts SQL statements sent by Prisma and through `query`; used by tests to assert batching. */
  statementCount(): number;
  close(): Promise<void>;
}

/** Opens PGlite (embedded default) or a real PostgreSQL pool, with a Prisma client over the matching adapter. */
export async function openDatabase(
  url: string,
  options: { poolSize?: number; onIdleError?: (error: Error) => void } = {},
): Promise<Database> {
  const target = resolveDatabase(url);
  let statements = 0;
  const log = [{ emit: "event", level: "query" }] as const;

  if (target.kind === "pglite") {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    if (target.dataDir) await mkdir(path.dirname(path.resolve(target.dataDir)), { recursive: true });
    const unlock = target.dataDir ? await lockDataDirectory(path.resolve(target.dataDir)) : async () => {};
    const pglite = await PGlite.create(target.dataDir).catch(async (error) => {
      await unlock();
      throw error;
    });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) as never, log: [...log] });
    prisma.$on("query", () => void statements++);
    return {
      prisma,
      kind: "pglite",
      exec: async (sql) => void (await pglite.exec(sql)),
      query: async <T>(sql: string, params?: unknown[]) => {
        statements++;
        return (await pglite.query<T>(sql, params)).rows;
      },
      transaction: (fn) => pglite.transaction((tx) => fn({
        exec: async (sql) => void (await tx.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => {
          statements++;
          return (await tx.query<T>(sql, params)).rows;
        },
      })),
      // PGlite is a single connection already.
      withConnection: (fn) => fn({
        exec: async (sql) => void (await pglite.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
      }),
      statementCount: () => statements,
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        await unlock();
      },
    };
  }

  const pg = await import("pg");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const pool = new pg.default.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    // Fail a request instead of queueing it forever when PostgreSQL is unreachable.
    connectionTimeoutMillis: 5000,
  });
  // A pooled connection that dies while idle (server restart, pg_terminate_backend, network) emits 'error';
  // unhandled, that would crash the process. The pool drops it and opens a fresh one on the next checkout.
  pool.on("error", (error) => options.onIdleError?.(error));
  const prepared = new Map<string, string>();
  const statementName = (sql: string): string | undefined => {
    let name = prepared.get(sql);
    if (!name && prepared.size < PREPARED_LIMIT) prepared.set(sql, (name = `p${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`));
    return name;
  };
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [...log] });
  prisma.$on("query", () => void statements++);
  return {
    prisma,
    kind: "postgres",
    exec: async (sql) => void (await pool.query(sql)),
    query: async <T>(sql: string, params?: unknown[], queryOptions?: { prepare?: boolean }) => {
      statements++;
      const name = queryOptions?.prepare ? statementName(sql) : undefined;
      return (await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows as T[];
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => {
            statements++;
            return (await client.query(sql, params)).rows as T[];
          },
        });
        await client.query("COMMIT");
        client.release();
        return result;
      } catch (error) {
        // A connection that cannot even roll back is dropped from the pool rather than reused.
        const broken = await client.query("ROLLBACK").then(() => false, () => true);
        client.release(broken);
        throw error;
      }
    },
    withConnection: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        });
      } finally {
        client.release();
      }
    },
    statementCount: () => statements,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
