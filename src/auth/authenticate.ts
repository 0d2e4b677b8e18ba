import type { SqlConnection } from "../db/database.js";
import { InvalidTokenError, type Role, type TokenVerifier, type Viewer } from "./tokens.js";

/**
 * Resolves a bearer token to the current user; role and organization come from the database, not the token.
 * Plain SQL: this runs on every request, and Prisma's per-query overhead was most of its cost.
 */
export async function authenticate(token: string, verifier: TokenVerifier, sql: SqlConnection): Promise<Viewer> {
  const { source, payload } = await verifier.verify(token);
  const subject = payload.sub!;
  const tokenExpiresAt = new Date(payload.exp! * 1000);
  if (source === "external") {
    const [user] = await sql.query<UserRow>(
      `SELECT id, "organizationId", role::text AS role FROM "User" WHERE "externalSubject" = $1 AND active LIMIT 1`,
      [subject],
      { prepare: true },
    );
    if (!user) throw new InvalidTokenError("unknown or inactive user");
    return { userId: user.id, organizationId: user.organizationId, role: user.role, tokenExpiresAt };
  }
  const sessionId = payload.sid;
  if (!isUuid(subject) || typeof sessionId !== "string" || !isUuid(sessionId)) throw new InvalidTokenError("invalid token");
  // One statement: the user is active and the token's session is neither revoked nor over.
  const [user] = await sql.query<UserRow>(
    `SELECT u.id, u."organizationId", u.role::text AS role FROM "User" u JOIN "Session" s ON s."userId" = u.id
     WHERE u.id = $1 AND s.id = $2 AND u.active AND s."revokedAt" IS NULL AND s."expiresAt" > now() LIMIT 1`,
    [subject, sessionId],
    { prepare: true }, // the same text on every request
  );
  if (!user) throw new InvalidTokenError("session ended or user inactive");
  return { userId: user.id, organizationId: user.organizationId, role: user.role, sessionId, tokenExpiresAt };
}

interface UserRow {
  id: string;
  organizationId: string;
  role: Role;
}

export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
