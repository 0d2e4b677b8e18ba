import type { AuthedContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { assertCanEditClient } from "../shared/access.js";
import { compareAndSet } from "../shared/compare-and-set.js";

interface EmploymentData {
  clientId: string;
  title?: string | null;
  isDecisionMaker?: boolean | null;
  directPhone?: string | null;
  startedAt?: Date | null;
}

const MAX_TITLE = 200;

export async function startEmployment(ctx: AuthedContext, tx: Prisma.TransactionClient, contactId: string, data: EmploymentData, path: string) {
  const client = await tx.client.findFirst({ where: { id: data.clientId, organizationId: ctx.viewer.organizationId } });
  if (!client) throw new NotFoundError("Client", encodeId("Client", data.clientId));
  assertCanEditClient(ctx.viewer, client);
  if (data.title && data.title.length > MAX_TITLE) throw ValidationError.field(`${path}.title`, `must be at most ${MAX_TITLE} characters`);
  const now = ctx.clock.now();
  if (data.startedAt && data.startedAt > now) throw ValidationError.field(`${path}.startedAt`, "cannot be in the future");
  return tx.employment.create({
    data: {
      organizationId: ctx.viewer.organizationId,
      contactId,
      clientId: client.id,
      title: data.title?.trim() || null,
      isDecisionMaker: data.isDecisionMaker ?? false,
      directPhone: data.directPhone ?? null,
      startedAt: data.startedAt ?? now,
    },
  });
}

/** The contact moved: their current jobs end as the new one starts (none may have started after that). */
export async function endCurrentEmployments(tx: Prisma.TransactionClient, contactId: string, at: Date) {
  const later = await tx.employment.findFirst({ where: { contactId, endedAt: null, startedAt: { gt: at } }, select: { id: true } });
  if (later) throw ValidationError.field("input.startedAt", "a current employment started after this date; end it first");
  await tx.employment.updateMany({ where: { contactId, endedAt: null }, data: { endedAt: at, version: { increment: 1 } } });
}

export interface EmploymentPatch {
  expectedVersion: number;
  title?: string | null;
  isDecisionMaker?: boolean | null;
  directPhone?: string | null;
}

/** Title, decision-maker flag and direct phone change in place; a concurrent edit is a version conflict, never lost. */
export async function updateEmployment(ctx: AuthedContext, id: string, patch: EmploymentPatch) {
  const { organizationId } = ctx.viewer;
  const employment = await ctx.prisma.employment.findFirst({ where: { id, organizationId }, include: { client: { select: { ownerId: true } } } });
  if (!employment) throw new NotFoundError("Employment", encodeId("Employment", id));
  assertCanEditClient(ctx.viewer, employment.client);
  const title = patch.title === undefined ? undefined : patch.title?.trim() || null;
  if (title && title.length > MAX_TITLE) throw ValidationError.field("input.title", `must be at most ${MAX_TITLE} characters`);
  if (patch.isDecisionMaker === null) throw ValidationError.field("input.isDecisionMaker", "cannot be null");
  await compareAndSet({
    entity: "Employment", id, expectedVersion: patch.expectedVersion,
    write: () => ctx.prisma.employment.updateMany({
      where: { id, organizationId, version: patch.expectedVersion },
      data: { title, isDecisionMaker: patch.isDecisionMaker ?? undefined, directPhone: patch.directPhone, version: { increment: 1 } },
    }),
    reread: () => ctx.prisma.employment.findFirst({ where: { id, organizationId }, select: { version: true } }),
  });
}

export async function endEmployment(ctx: AuthedContext, id: string, endedAt: Date) {
  const employment = await ctx.prisma.employment.findFirst({
    where: { id, organizationId: ctx.viewer.organizationId },
    include: { client: { select: { ownerId: true } } },
  });
  if (!employment) throw new NotFoundError("Employment", encodeId("Employment", id));
  assertCanEditClient(ctx.viewer, employment.client);
  if (employment.endedAt) throw ValidationError.field("input.id", "this employment has already ended");
  if (endedAt < employment.startedAt) throw ValidationError.field("input.endedAt", "cannot be before the start");
  await ctx.prisma.employment.update({ where: { id }, data: { endedAt, version: { increment: 1 } } });
}
