import { GraphQLError } from "graphql";
import { authenticate, bearerToken } from "../auth/authenticate.js";
import { InvalidTokenError, type TokenVerifier } from "../auth/tokens.js";
import type { AppServices, Context } from "../context.js";

/** Builds the per-request context from an HTTP header or graphql-ws connectionParams. */
export function createContextFactory(services: AppServices, verifier: TokenVerifier) {
  return async function contextFor(token: string | undefined, clientIp: string | undefined): Promise<Context> {
    if (!token) return { ...services, viewer: null, clientIp };
    try {
      return { ...services, viewer: await authenticate(token, verifier, services.sql), clientIp };
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw new GraphQLError(`Unauthenticated: ${error.message}`, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
      }
      throw error;
    }
  };
}

export function tokenFromRequest(request: Request): string | undefined {
  return bearerToken(request.headers.get("authorization"));
}

export function tokenFromConnectionParams(params: Record<string, unknown> | undefined): string | undefined {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof raw !== "string") return undefined;
  return bearerToken(raw) ?? raw;
}
