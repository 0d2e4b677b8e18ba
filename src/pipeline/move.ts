import { z } from "zod";
import { createFollowUps } from "../tasks/apply-followups.js";
import type { AuthedContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { recordWebhookEvent } from "../webhooks/outbox.js";
import { encodeId } from "../graphql/global-id.js";
import { bumpVersion, publishChange } from "../clients/service.js";
import { assertCanEditClient } from "../shared/access.js";
import { parseInput } from "../shared/validate.js";
import { evaluateCriteria } from "./criteria.js";
import { StageCriteriaNotMetError, type UnmetStageCriterion } from "./errors.js";
import { loadClientFacts } from "./facts.js";
import { loadStages } from "./stages.js";
import { planMove, toStageRef, type StageInfo } from "./transitions.js";

export interface StageMoveRequest {
  clientId: string;
  stageId: string;
  reasonId?: string | null;
  note?: string | null;
  expectedVersion: number;
}

const noteSchema = z.string().trim().max(2000, "must be at most 2000 characters").nullish();

/**
 * The one way a client's stage changes. Runs inside the caller's transaction so imports and automations can
 * batch moves; the caller publishes after commit. GraphQL goes through `moveClientToStage` below.
 */
export async function applyStageMove(ctx: AuthedContext, tx: Prisma.TransactionClient, request: StageMoveRequest) {
  const { organizationId, userId } = ctx.viewer;
  const note = parseInput(noteSchema, request.note, ["input", "note"]) || null;
  const client = await tx.client.findFirst({ where: { id: request.clientId, organizationId } });
  if (!client) throw new NotFoundError("Client", encodeId("Client", request.clientId));
  assertCanEditClient(ctx.viewer, client);
  // A stale version is reported before any criteria: the caller is looking at an outdated card.
  if (client.version !== request.expectedVersion) {
    throw new VersionConflictError("Client", encodeId("Client", client.id), request.expectedVersion, client.version);
  }
  const { from, to, pipelineStages } = await loadStages(tx, organizationId, client.stageId, request.stageId);
  const plan = planMove(from, to, pipelineStages);
  if (!plan.allowed) throw ValidationError.field("input.stageId", plan.message);
  const reasonId = await checkReason(tx, organizationId, plan.reasonKind, request.reasonId ?? null, note);

  const unmet = await unmetForStages(tx, client, plan.stagesToCheck);
  if (unmet.length > 0) throw new StageCriteriaNotMetError(unmet, from && toStageRef(from), toStageRef(to));

  const now = ctx.clock.now();
  await bumpVersion(ctx, client.id, request.expectedVersion, { stageId: to.id, pipelineId: to.pipelineId, stageEnteredAt: now }, tx);
  const transition = await tx.stageTransition.create({
    data: { organizationId, clientId: client.id, fromStageId: from?.id ?? null, toStageId: to.id, actorId: userId, reasonId, note, occurredAt: now },
  });
  await createFollowUps(tx, { organizationId, trigger: "STAGE_ENTERED", stageId: to.id, clientId: client.id, at: now, actorId: userId });
  await recordWebhookEvent(tx, {
    organizationId, type: "client.stage_changed", record: { id: client.id, typename: "Client" }, at: now,
    data: { fromStageId: from ? encodeId("Stage", from.id) : null, toStageId: encodeId("Stage", to.id), toStageName: to.name, note, actorId: encodeId("User", userId) },
  });
  return transition;
}

/** Moves one client in its own transaction and tells subscribers once it committed. */
export async function moveClientToStage(ctx: AuthedContext, request: StageMoveRequest) {
  const transition = await ctx.prisma.$transaction((tx) => applyStageMove(ctx, tx, request));
  publishChange(ctx, request.clientId, "STAGE_CHANGED");
  return transition;
}

/** Every unmet criterion of the given stages, in pipeline order, tagged with its stage. */
export async function unmetForStages(
  db: Prisma.TransactionClient,
  client: { id: string; organizationId: string; stageEnteredAt: Date | null },
  stages: readonly StageInfo[],
): Promise<UnmetStageCriterion[]> {
  if (!stages.some((s) => s.exitCriteria.length > 0)) return [];
  const facts = await loadClientFacts(db, client);
  return stages.flatMap((stage) => evaluateCriteria(stage.exitCriteria, facts).map((u) => ({ ...u, stage: toStageRef(stage) })));
}

/** Lost and Postponed need a reason of that kind from the organization's list and a note; other moves take neither reason. */
async function checkReason(
  db: Prisma.TransactionClient,
  organizationId: string,
  kind: "LOST" | "POSTPONED" | null,
  reasonId: string | null,
  note: string | null,
): Promise<string | null> {
  if (!kind) {
    if (reasonId) throw ValidationError.field("input.reasonId", "is only used when moving to a Lost or Postponed stage");
    return null;
  }
  const issues = [];
  if (!reasonId) issues.push({ path: ["input", "reasonId"], message: `a ${kind.toLowerCase()} reason is required` });
  if (!note) issues.push({ path: ["input", "note"], message: `a note is required when moving to ${kind.toLowerCase()}` });
  if (issues.length) throw new ValidationError(issues);
  const reason = await db.reason.findFirst({ where: { id: reasonId!, organizationId, kind } });
  if (!reason) throw ValidationError.field("input.reasonId", `is not a ${kind.toLowerCase()} reason of your organization`);
  return reason.id;
}
