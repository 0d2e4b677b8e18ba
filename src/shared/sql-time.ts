/**
 * Prisma stores DateTime as `timestamp(3)` without time zone, holding UTC. Raw SQL parameters are
 * passed as UTC strings and cast with ::timestamp so no session time zone can shift them.
 */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}
