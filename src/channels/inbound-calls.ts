import type { AuthedContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { NotFoundError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { publishChange } from "../clients/service.js";

export interface InboundCallInput {
  trackingPhone: string;
  fromPhone: string | null;
  occurredAt: Date;
  clientId: string | null;
}

/**
 * Records an inbound call on a tracked number. The client is the one given, else the client whose card phone
 * is the caller's number. Attribution is first touch: when the client has no channel yet, the call's channel
 * becomes the client's (channelSource TRACKED_CALL), so the sale counts for the channel whose number rang.
 * A channel already on the card (chosen by a person, or by an earlier call) is never overridden; a person
 * may still change it later, and that manual choice wins.
 */
export async function recordInboundCall(ctx: AuthedContext, input: InboundCallInput) {
  const { organizationId } = ctx.viewer;
  const clientId = input.clientId ?? (await clientByPhone(ctx.prisma, organizationId, input.fromPhone));
  if (input.clientId && !(await ctx.prisma.client.findFirst({ where: { id: input.clientId, organizationId }, select: { id: true } }))) {
    throw new NotFoundError("Client", encodeId("Client", input.clientId));
  }
  const channel = await ctx.prisma.channel.findFirst({ where: { organizationId, trackingPhone: input.trackingPhone }, select: { id: true } });
  const { call, attributed } = await ctx.prisma.$transaction(async (tx) => {
    const call = await tx.inboundCall.create({
      data: { organizationId, channelId: channel?.id ?? null, clientId, fromPhone: input.fromPhone, trackingPhone: input.trackingPhone, occurredAt: input.occurredAt },
    });
    // Conditional update: of two calls racing for an unattributed client, exactly one sets the channel.
    const attributed = channel && clientId
      ? (await tx.client.updateMany({
          where: { id: clientId, organizationId, channelId: null },
          data: { channelId: channel.id, channelSource: "TRACKED_CALL", version: { increment: 1 } },
        })).count > 0
      : false;
    return { call, attributed };
  });
  if (attributed) publishChange(ctx, clientId!, "UPDATED");
  return call;
}

async function clientByPhone(db: Prisma.TransactionClient, organizationId: string, phone: string | null): Promise<string | null> {
  if (!phone) return null;
  const client = await db.client.findFirst({ where: { organizationId, phone }, orderBy: { createdAt: "asc" }, select: { id: true } });
  return client?.id ?? null;
}
