import type { Prisma, Stage } from "../generated/prisma/client.js";
import { NotFoundError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { parseStoredCriteria } from "./criteria.js";
import type { StageInfo } from "./transitions.js";

export function toStageInfo(stage: Stage): StageInfo {
  return { ...stage, exitCriteria: parseStoredCriteria(stage.exitCriteria, stage.id) };
}

export interface StageMap {
  from: StageInfo | null;
  to: StageInfo;
  pipelineStages: StageInfo[];
}

/** The current stage, the target and the target's pipeline: two queries at most (three if pipelines differ). */
export async function loadStages(
  db: Prisma.TransactionClient,
  organizationId: string,
  currentStageId: string | null,
  targetStageId: string,
): Promise<StageMap> {
  const target = await db.stage.findFirst({ where: { id: targetStageId, organizationId } });
  if (!target) throw new NotFoundError("Stage", encodeId("Stage", targetStageId));
  const pipelineStages = (await db.stage.findMany({ where: { pipelineId: target.pipelineId, organizationId } })).map(toStageInfo);
  let from = pipelineStages.find((s) => s.id === currentStageId) ?? null;
  if (currentStageId && !from) {
    const other = await db.stage.findFirst({ where: { id: currentStageId, organizationId } });
    from = other ? toStageInfo(other) : null;
  }
  return { from, to: pipelineStages.find((s) => s.id === target.id)!, pipelineStages };
}
