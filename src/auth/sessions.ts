import { createHash, randomBytes } from "node:crypto";
import type { Config } from "../config.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { CrmPubSub } from "../pubsub.js";
import { issueAccessToken, type Viewer } from "./tokens.js";

/**
 * Sessions: a login opens one; short-lived access tokens name it (`sid`); a refresh token, used once, extends it
 * and is replaced (rotation). Presenting a refresh token that was already used means it was copied: the whole
 * session is revoked (reuse detection, as OAuth 2.0 Security BCP recommends). Revoking a session ends its access
 * tokens at once (authenticate joins the session) and closes its sockets (the `auth:revoked` event).
 *
 * Token lifetimes are real time, not the domain clock: they are a security boundary, checked by the database's now().
 */
export interface IssuedSession {
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export class SessionRefusedError extends Error {}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newRefreshToken = () => randomBytes(32).toString("base64url");

export async function openSession(prisma: PrismaClient, jwt: Config["jwt"], viewer: Viewer, now = new Date()): Promise<IssuedSession> {
  const expiresAt = new Date(now.getTime() + jwt.refreshTtlSeconds * 1000);
  const refreshToken = newRefreshToken();
  const session = await prisma.session.create({
    data: {
      organizationId: viewer.organizationId,
      userId: viewer.userId,
      createdAt: now,
      lastRefreshedAt: now,
      expiresAt,
      refreshTokens: { create: { tokenHash: hash(refreshToken), createdAt: now } },
    },
  });
  const access = await issueAccessToken(jwt, { ...viewer, sessionId: session.id }, now);
  return { sessionId: session.id, accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt: expiresAt };
}

/**
 * Exchanges a refresh token for a new access token and a new refresh token. Refuses (SessionRefusedError) an
 * unknown token, a session that was revoked, expired or whose user is inactive, and a reused token (revoking the
 * session). Two concurrent refreshes with one token: one wins, the other is treated as reuse.
 */
export async function refreshSession(
  prisma: PrismaClient,
  pubsub: CrmPubSub,
  jwt: Config["jwt"],
  presented: string,
  now = new Date(),
): Promise<IssuedSession & { viewer: Viewer & { sessionId: string } }> {
  const stored = await prisma.refreshToken.findUnique({
    where: { tokenHash: hash(presented) },
    include: { session: { include: { user: { select: { id: true, organizationId: true, role: true, active: true } } } } },
  });
  if (!stored) throw new SessionRefusedError("unknown refresh token");
  const { session } = stored;
  if (session.revokedAt) throw new SessionRefusedError("the session was ended");
  if (session.expiresAt <= now || !session.user.active) throw new SessionRefusedError("the session expired");
  const rotated = await prisma.$transaction(async (tx) => {
    const { count } = await tx.refreshToken.updateMany({ where: { id: stored.id, usedAt: null }, data: { usedAt: now } });
    if (count === 0) return null;
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now.getTime() + jwt.refreshTtlSeconds * 1000);
    await tx.refreshToken.create({ data: { sessionId: session.id, tokenHash: hash(refreshToken), createdAt: now } });
    await tx.session.update({ where: { id: session.id }, data: { lastRefreshedAt: now, expiresAt } });
    return { refreshToken, expiresAt };
  });
  if (!rotated) {
    const ids = await revokeSessions(prisma, { sessionIds: [session.id] }, "refresh token reused", now);
    announceRevoked(pubsub, { sessionIds: ids }, "refresh token reused");
    throw new SessionRefusedError("this refresh token was already used; the session is ended for safety");
  }
  const viewer = { userId: session.user.id, organizationId: session.user.organizationId, role: session.user.role, sessionId: session.id };
  const access = await issueAccessToken(jwt, viewer, now);
  return {
    sessionId: session.id, accessToken: access.token, accessTokenExpiresAt: access.expiresAt,
    refreshToken: rotated.refreshToken, refreshTokenExpiresAt: rotated.expiresAt, viewer,
  };
}

export type SessionSelector = { sessionIds: string[] } | { userId: string; exceptSessionId?: string };

/** Ends sessions (logout, password change, deactivation, theft); announce them once the transaction committed. */
export async function revokeSessions(
  db: Prisma.TransactionClient,
  selector: SessionSelector,
  reason: string,
  now = new Date(),
): Promise<string[]> {
  const where: Prisma.SessionWhereInput = "sessionIds" in selector
    ? { id: { in: selector.sessionIds }, revokedAt: null }
    : { userId: selector.userId, revokedAt: null, ...(selector.exceptSessionId ? { id: { not: selector.exceptSessionId } } : {}) };
  const sessions = await db.session.findMany({ where, select: { id: true } });
  if (sessions.length === 0) return [];
  const ids = sessions.map((s) => s.id);
  await db.session.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  return ids;
}

/** Every instance closes the sockets of these sessions or users (see server/socket-registry.ts). */
export function announceRevoked(pubsub: CrmPubSub, target: { sessionIds?: string[]; userIds?: string[] }, reason: string) {
  pubsub.publish("auth:revoked", { sessionIds: target.sessionIds ?? [], userIds: target.userIds ?? [], reason });
}

/**
 * For load generators that talk to the database with plain SQL (bench/): a session row and an access token for an
 * existing user, without a refresh token.
 */
export async function sessionTokenOverSql(
  db: { query: (sql: string, params: unknown[]) => Promise<{ rows: { id: string }[] }> },
  jwt: Config["jwt"],
  viewer: Viewer,
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO "Session" (id, "organizationId", "userId", "expiresAt") VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day') RETURNING id`,
    [viewer.organizationId, viewer.userId],
  );
  return (await issueAccessToken(jwt, { ...viewer, sessionId: rows[0]!.id }, new Date())).token;
}
