import type { AuthedContext } from "../context.js";
import { ValidationError } from "../graphql/errors.js";
import { loadClient } from "../clients/service.js";
import { checkCriteria, type CriterionCheck } from "./criteria.js";
import type { StageRef } from "./errors.js";
import { loadClientFacts } from "./facts.js";
import { loadStages } from "./stages.js";
import { nextStage, planMove, toStageRef, type MoveDirection } from "./transitions.js";

export interface StageReadiness {
  clientId: string;
  fromStage: StageRef | null;
  toStage: StageRef;
  /** True when the move would be accepted as far as criteria and rules go (a reason may still be required). */
  ready: boolean;
  direction: MoveDirection | null;
  reasonRequired: "LOST" | "POSTPONED" | null;
  /** Why the move is not possible at all, regardless of criteria. */
  blocker: string | null;
  checklist: (CriterionCheck & { stage: StageRef })[];
}

/** The same checks `moveClientToStage` makes, without moving. Defaults to the next stage after the current one. */
export async function stageReadiness(ctx: AuthedContext, clientId: string, targetStageId: string | null): Promise<StageReadiness> {
  const client = await loadClient(ctx, clientId);
  const { organizationId } = ctx.viewer;
  const targetId = targetStageId ?? (await defaultTarget(ctx, client.stageId));
  const { from, to, pipelineStages } = await loadStages(ctx.prisma, organizationId, client.stageId, targetId);
  const base = { clientId: client.id, fromStage: from && toStageRef(from), toStage: toStageRef(to) };
  const plan = planMove(from, to, pipelineStages);
  if (!plan.allowed) return { ...base, ready: false, direction: null, reasonRequired: null, blocker: plan.message, checklist: [] };
  const needsFacts = plan.stagesToCheck.some((s) => s.exitCriteria.length > 0);
  const facts = needsFacts ? await loadClientFacts(ctx.prisma, client) : null;
  const checklist = facts
    ? plan.stagesToCheck.flatMap((stage) => checkCriteria(stage.exitCriteria, facts).map((c) => ({ ...c, stage: toStageRef(stage) })))
    : [];
  return { ...base, ready: checklist.every((c) => c.met), direction: plan.direction, reasonRequired: plan.reasonKind, blocker: null, checklist };
}

async function defaultTarget(ctx: AuthedContext, currentStageId: string | null): Promise<string> {
  const { organizationId } = ctx.viewer;
  if (!currentStageId) {
    const first = await ctx.prisma.stage.findFirst({ where: { organizationId, pipeline: { isDefault: true } }, orderBy: { position: "asc" } });
    if (!first) throw ValidationError.field("targetStageId", "is required: your organization has no default pipeline");
    return first.id;
  }
  const { from, pipelineStages } = await loadStages(ctx.prisma, organizationId, currentStageId, currentStageId);
  const next = from && nextStage(from, pipelineStages);
  if (!next) throw ValidationError.field("targetStageId", "is required: the client's stage has no next stage");
  return next.id;
}
