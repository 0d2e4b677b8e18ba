import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { Config } from "../config.js";

export type Role = "ADMIN" | "HEAD_OF_SALES" | "MANAGER";

export interface Viewer {
  userId: string;
  organizationId: string;
  role: Role;
}

/** Thrown for any token that is not acceptable; the message is safe to show. */
export class InvalidTokenError extends Error {}

const OWN_ALGORITHMS = ["HS256"];
const EXTERNAL_ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"];
const CLOCK_TOLERANCE_SECONDS = 5;

export async function issueToken(config: Config["jwt"], viewer: Viewer): Promise<string> {
  return new SignJWT({ org: viewer.organizationId, role: viewer.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(`${config.ttlSeconds}s`)
    .sign(config.secret);
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
