import type { SqlConnection } from "../db/database.js";
import { InvalidTokenError, type Role, type TokenVerifier, type Viewer } from "./tokens.js";

/**
 * Resolves a bearer token to the current user; role and organization come from the database, not the token.
 * Plain SQL: this runs on every request, and Prisma's per-query overhead was most of its cost.
 */
export async function authenticate(token: string, verifier: TokenVerifier, sql: SqlConnection): Promise<Viewer> {
  const { source, payload } = await verifier.verify(token);
  const subject = payload.sub!;
  if (source === "own" && !isUuid(subject)) throw new InvalidTokenError("unknown or inactive user");
  const column = source === "own" ? `id` : `"externalSubject"`;
  const [user] = await sql.query<{ id: string; organizationId: string; role: Role }>(
    `SELECT id, "organizationId", role::text AS role FROM "User" WHERE ${column} = $1 AND active LIMIT 1`,
    [subject],
    { prepare: true }, // the same text on every request
  );
  if (!user) throw new InvalidTokenError("unknown or inactive user");
  return { userId: user.id, organizationId: user.organizationId, role: user.role };
}

export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
