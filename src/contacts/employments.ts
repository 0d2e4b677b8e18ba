import type { AuthedContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { assertCanEditClient } from "../shared/access.js";

interface EmploymentData {
  clientId: string;
  title?: string | null;
  isDecisionMaker?: boolean | null;
  directPhone?: string | null;
}

export async function startEmployment(ctx: AuthedContext, tx: Prisma.TransactionClient, contactId: string, data: EmploymentData, path: string) {
  const client = await tx.client.findFirst({ where: { id: data.clientId, organizationId: ctx.viewer.organizationId } });
  if (!client) throw new NotFoundError("Client", encodeId("Client", data.clientId));
  assertCanEditClient(ctx.viewer, client);
  if (data.title && data.title.length > 200) throw ValidationError.field(`${path}.title`, "must be at most 200 characters");
  return tx.employment.create({
    data: {
      organizationId: ctx.viewer.organizationId,
      contactId,
      clientId: client.id,
      title: data.title?.trim() || null,
      isDecisionMaker: data.isDecisionMaker ?? false,
      directPhone: data.directPhone ?? null,
      startedAt: ctx.clock.now(),
    },
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
  await ctx.prisma.employment.update({ where: { id }, data: { endedAt } });
}
