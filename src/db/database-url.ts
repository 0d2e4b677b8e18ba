/** The embedded default: PGlite with data under ./data/pglite. Looks like a postgres URL so Prisma's schema accepts it. */
export const DEFAULT_DATABASE_URL = "postgresql://localhost/embedded?pglite=./data/pglite";

export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string | undefined } // undefined = in-memory
  | { kind: "postgres"; url: string };

/** `?pglite=<dir>` selects embedded PGlite (`memory:` for an in-memory database); anything else is a real server. */
export function resolveDatabase(url: string): DatabaseTarget {
  const parsed = new URL(url);
  const dir = parsed.searchParams.get("pglite");
  if (dir === null) return { kind: "postgres", url };
  return { kind: "pglite", dataDir: dir === "memory:" ? undefined : dir };
}
