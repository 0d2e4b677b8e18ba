import type { PrismaClient } from "../generated/prisma/client.js";
import { InvalidTokenError, type TokenVerifier, type Viewer } from "./tokens.js";

/** Resolves a bearer token to the current user; role and organization come from the database, not the token. */
export async function authenticate(token: string, verifier: TokenVerifier, prisma: PrismaClient): Promise<Viewer> {
  const { source, payload } = await verifier.verify(token);
  const subject = payload.sub!;
  const user = await prisma.user.findFirst({
    where: source === "own" ? { id: isUuid(subject) ? subject : undefined, active: true } : { externalSubject: subject, active: true },
    select: { id: true, organizationId: true, role: true },
  });
  if (!user || (source === "own" && !isUuid(subject))) throw new InvalidTokenError("unknown or inactive user");
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
