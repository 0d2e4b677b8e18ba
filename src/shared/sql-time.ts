/**
 * Prisma stores DateTime as `timestamp(3)` without time zone, holding UTC. Raw SQL parameters are
 * passed as UTC strings and cast with ::timestamp so no session time zone can shift them.
 */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** `now()` as Prisma stores time: UTC in a `timestamp` column, whatever the session's time zone. */
export const NOW_UTC = `(now() AT TIME ZONE 'UTC')`;

/** A `timestamp` column read as epoch milliseconds: plain numbers, whatever the driver or the process's time zone. */
export const epochMs = (column: string, as: string) => `(extract(epoch FROM ${column}) * 1000)::float8 AS "${as}"`;
