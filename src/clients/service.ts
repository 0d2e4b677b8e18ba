import type { z } from "zod";
import type { AuthedContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { resolveCustomFields } from "../custom-fields/service.js";
import { clientEventData, recordWebhookEvent } from "../webhooks/outbox.js";
import { assertCanEditClient, isSupervisor } from "../shared/access.js";
import { ForbiddenError } from "../graphql/errors.js";
import { parseInput } from "../shared/validate.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import type { ClientChangeKindValue } from "./subscriptions.js";
import { createClientSchema, updateClientSchema } from "./inputs.js";

type Ctx = AuthedContext;

/** Loads a client of the caller's organization or throws NotFound (a foreign id looks exactly like a missing one). */
export async function loadClient(ctx: Ctx, id: string) {
  const client = await ctx.prisma.client.findFirst({ where: { id, organizationId: ctx.viewer.organizationId } });
  if (!client) throw new NotFoundError("Client", encodeId("Client", id));
  return client;
}

async function assertUserInOrg(ctx: Ctx, userId: string, field: string) {
  const user = await ctx.prisma.user.findFirst({ where: { id: userId, organizationId: ctx.viewer.organizationId, active: true } });
  if (!user) throw ValidationError.field(field, "is not an active user of your organization");
}

async function assertChannelInOrg(ctx: Ctx, channelId: string, field: string) {
  const channel = await ctx.prisma.channel.findFirst({ where: { id: channelId, organizationId: ctx.viewer.organizationId } });
  if (!channel) throw ValidationError.field(field, "is not a channel of your organization");
}

interface CreateInput extends z.input<typeof createClientSchema> {
  ownerId: string | null;
  channelId: string | null;
  accountManagerId?: string | null;
  customFields?: unknown;
}

export async function createClient(ctx: Ctx, input: CreateInput) {
  const card = parseInput(createClientSchema, input);
  const { viewer } = ctx;
  if (input.ownerId && input.ownerId !== viewer.userId && !isSupervisor(viewer)) {
    throw new ForbiddenError("Managers can only create clients for themselves");
  }
  if (input.ownerId) await assertUserInOrg(ctx, input.ownerId, "input.ownerId");
  if (input.channelId) await assertChannelInOrg(ctx, input.channelId, "input.channelId");
  if (input.accountManagerId) await assertUserInOrg(ctx, input.accountManagerId, "input.accountManagerId");
  const customFields = await resolveCustomFields(ctx.prisma, viewer.organizationId, "CLIENT", {}, input.customFields);
  const firstStage = await ctx.prisma.stage.findFirst({
    where: { organizationId: viewer.organizationId, pipeline: { isDefault: true } },
    orderBy: { position: "asc" },
  });
  const now = ctx.clock.now();
  const created = await ctx.prisma.$transaction(async (tx) => {
    const client = await tx.client.create({
      data: {
        ...card,
        kind: card.kind ?? "COMPANY",
        customFields,
        organizationId: viewer.organizationId,
        ownerId: input.ownerId,
        channelId: input.channelId,
        channelSource: input.channelId ? "MANUAL" : null,
        accountManagerId: input.accountManagerId ?? null,
        pipelineId: firstStage?.pipelineId,
        stageId: firstStage?.id,
        stageEnteredAt: firstStage ? now : null,
      },
    });
    if (firstStage) {
      await tx.stageTransition.create({
        data: { organizationId: viewer.organizationId, clientId: client.id, toStageId: firstStage.id, actorId: viewer.userId, occurredAt: now },
      });
    }
    await recordWebhookEvent(tx, {
      organizationId: viewer.organizationId, type: "client.created", record: { id: client.id, typename: "Client" }, at: now,
      data: { name: client.name, externalId: client.externalId, ownerId: client.ownerId && encodeId("User", client.ownerId), stageId: client.stageId && encodeId("Stage", client.stageId) },
    });
    return client;
  });
  publishChange(ctx, created.id, "CREATED");
  return created;
}

/** Published only after the write committed, so subscribers never see a change that was rolled back. */
export function publishChange(ctx: Ctx, clientId: string, kind: ClientChangeKindValue) {
  ctx.pubsub.publish("client:changed", ctx.viewer.organizationId, { clientId, kind });
}

interface UpdateInput extends z.input<typeof updateClientSchema> {
  channelId?: string | null;
  accountManagerId?: string | null;
  customFields?: unknown;
}

export async function updateClient(ctx: Ctx, id: string, input: UpdateInput) {
  const { expectedVersion, ...card } = parseInput(updateClientSchema, input);
  const client = await loadClient(ctx, id);
  assertCanEditClient(ctx.viewer, client);
  if (input.channelId) await assertChannelInOrg(ctx, input.channelId, "input.channelId");
  if (input.accountManagerId) await assertUserInOrg(ctx, input.accountManagerId, "input.accountManagerId");
  const { kind, ...rest } = card;
  const data: Prisma.ClientUncheckedUpdateManyInput = { ...stripUndefined(rest), ...(kind ? { kind } : {}) };
  // A person's choice of channel wins over the first-touch attribution of a tracked call.
  if (input.channelId !== undefined) Object.assign(data, { channelId: input.channelId, channelSource: input.channelId ? "MANUAL" : null });
  if (input.accountManagerId !== undefined) data.accountManagerId = input.accountManagerId;
  if (input.customFields !== undefined) {
    data.customFields = await resolveCustomFields(ctx.prisma, ctx.viewer.organizationId, "CLIENT", client.customFields, input.customFields);
  }
  await ctx.prisma.$transaction(async (tx) => {
    await bumpVersion(ctx, id, expectedVersion, data, tx);
    await recordWebhookEvent(tx, { organizationId: ctx.viewer.organizationId, type: "client.updated", record: { id, typename: "Client" }, at: ctx.clock.now(), data: await clientEventData(tx, id) });
  });
  publishChange(ctx, id, "UPDATED");
}

export async function reassignClient(ctx: Ctx, id: string, ownerId: string | null, expectedVersion: number) {
  const client = await loadClient(ctx, id);
  const claimingUnowned = client.ownerId === null && ownerId === ctx.viewer.userId;
  if (!isSupervisor(ctx.viewer) && !claimingUnowned) {
    throw new ForbiddenError("Only heads of sales reassign clients; managers may take unowned ones");
  }
  if (ownerId) await assertUserInOrg(ctx, ownerId, "input.ownerId");
  await ctx.prisma.$transaction(async (tx) => {
    await bumpVersion(ctx, id, expectedVersion, { ownerId }, tx);
    await recordWebhookEvent(tx, {
      organizationId: ctx.viewer.organizationId, type: "client.reassigned", record: { id, typename: "Client" }, at: ctx.clock.now(),
      data: { ...(await clientEventData(tx, id)), previousOwnerId: client.ownerId && encodeId("User", client.ownerId) },
    });
  });
  publishChange(ctx, id, "REASSIGNED");
}

export async function deleteClient(ctx: Ctx, id: string, expectedVersion: number) {
  await loadClient(ctx, id);
  await compareAndSet({
    entity: "Client", id, expectedVersion,
    write: () => ctx.prisma.client.deleteMany({ where: { id, organizationId: ctx.viewer.organizationId, version: expectedVersion } }),
    reread: () => rereadClient(ctx, id, ctx.prisma),
  });
  publishChange(ctx, id, "DELETED");
}

/** Writes the client's fields through the shared compare-and-set (a stale version is a typed conflict, nothing written). */
export async function bumpVersion(
  ctx: Ctx,
  id: string,
  expectedVersion: number,
  data: Prisma.ClientUncheckedUpdateManyInput,
  tx: Prisma.TransactionClient = ctx.prisma,
) {
  await compareAndSet({
    entity: "Client", id, expectedVersion,
    write: () => tx.client.updateMany({
      where: { id, organizationId: ctx.viewer.organizationId, version: expectedVersion },
      data: { ...data, version: { increment: 1 } },
    }),
    reread: () => rereadClient(ctx, id, tx),
  });
}

const rereadClient = (ctx: Ctx, id: string, db: Prisma.TransactionClient) =>
  db.client.findFirst({ where: { id, organizationId: ctx.viewer.organizationId }, select: { version: true } });

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
