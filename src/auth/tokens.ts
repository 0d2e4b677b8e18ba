import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { Config } from "../config.js";

export type Role = "ADMIN" | "HEAD_OF_SALES" | "MANAGER";

export interface Viewer {
  userId: string;
  organizationId: string;
  role: Role;
  /** The session an own access token belongs to (revocable); none for an external provider's token. */
  sessionId?: string;
  /** When the presented token expires: a live socket is closed then. */
  tokenExpiresAt?: Date;
}

/** Thrown for any token that is not acceptable; the message is safe to show. */
export class InvalidTokenError extends Error {}

const OWN_ALGORITHMS = ["HS256"];
const EXTERNAL_ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"];
const CLOCK_TOLERANCE_SECONDS = 5;

/** A short-lived access token for one session (`sid`); the session, not the token, decides whether it still counts. */
export async function issueAccessToken(config: Config["jwt"], viewer: Viewer & { sessionId: string }, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + config.ttlSeconds) * 1000);
  const token = await new SignJWT({ org: viewer.organizationId, role: viewer.role, sid: viewer.sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(config.secret);
  return { token, expiresAt };
}

export interface TokenVerifier {
  /** Returns the verified claims; identity lookup happens in the caller. */
  verify(token: string): Promise<{ source: "own" | "external"; payload: JWTPayload }>;
}

/**
 * Own tokens: HS256 only, with our issuer and audience, `exp` required.
 * External tokens (when configured): asymmetric algorithms only, via the provider's JWKS.
 * `alg: none` and algorithm confusion are refused by the allowlists.
 */
export function createTokenVerifier(config: Config["jwt"]): TokenVerifier {
  const jwks = config.external ? createRemoteJWKSet(new URL(config.external.jwksUrl)) : undefined;
  // Imported once: handing jose the raw secret would import an HMAC key on every request.
  const key = crypto.subtle.importKey("raw", new Uint8Array(config.secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: OWN_ALGORITHMS,
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ["exp", "sub"],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        return { source: "own", payload };
      } catch (ownError) {
        if (!jwks || !config.external) throw new InvalidTokenError(describe(ownError));
        try {
          const { payload } = await jwtVerify(token, jwks, {
            algorithms: EXTERNAL_ALGORITHMS,
            issuer: config.external.issuer,
            audience: config.external.audience,
            requiredClaims: ["exp", "sub"],
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
          });
          return { source: "external", payload };
        } catch (externalError) {
          throw new InvalidTokenError(describe(externalError));
        }
      }
    },
  };
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ERR_JWT_EXPIRED") return "token expired";
  return "invalid token";
}
