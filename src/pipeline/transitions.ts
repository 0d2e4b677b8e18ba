/**
 * Which moves between stages are allowed, and which stages' exit criteria a move must satisfy. Pure TypeScript.
 *
 * Rules (DESIGN.md "Pipeline and exit criteria", edge cases decided here):
 * - Order is the position among ACTIVE and WON stages. Moving to a higher position is forward and needs the exit
 *   criteria of the current stage and of every ACTIVE/WON stage skipped; moving to a lower position is free.
 * - LOST and POSTPONED are reachable from anywhere (including each other and from WON) with a reason of that kind
 *   and a note; no criteria, since giving up needs no proof.
 * - From LOST or POSTPONED the client may return to any ACTIVE stage freely ("go to Meeting or even Closing"), but
 *   never straight to WON: Won is only reached by leaving an active stage through its criteria.
 * - From WON, any ACTIVE stage is a free reopen.
 * - A client with no stage, or in another pipeline, enters the target pipeline as if from before its first stage:
 *   every ACTIVE/WON stage before the target must be satisfied.
 * - Moving to the stage the client is already in is refused (it would fake a new entry time).
 */
import type { ExitCriterion } from "./criteria.js";

export type StageKindValue = "ACTIVE" | "WON" | "LOST" | "POSTPONED";

export interface StageInfo {
  id: string;
  pipelineId: string;
  name: string;
  kind: StageKindValue;
  position: number;
  exitCriteria: ExitCriterion[];
}

export type MoveDirection = "FORWARD" | "BACKWARD" | "PARK" | "RETURN" | "REOPEN" | "ENTER";

export type MovePlan =
  | { allowed: true; direction: MoveDirection; stagesToCheck: StageInfo[]; reasonKind: "LOST" | "POSTPONED" | null }
  | { allowed: false; message: string };

const isParked = (kind: StageKindValue) => kind === "LOST" || kind === "POSTPONED";
const isOrdered = (stage: StageInfo) => stage.kind === "ACTIVE" || stage.kind === "WON";

/** `pipelineStages` are all stages of the target's pipeline. */
export function planMove(from: StageInfo | null, to: StageInfo, pipelineStages: readonly StageInfo[]): MovePlan {
  if (from?.id === to.id) return { allowed: false, message: "The client is already in this stage" };
  if (to.kind === "LOST" || to.kind === "POSTPONED") return { allowed: true, direction: "PARK", stagesToCheck: [], reasonKind: to.kind };
  const ordered = pipelineStages.filter(isOrdered).sort((a, b) => a.position - b.position);
  if (!from || from.pipelineId !== to.pipelineId) {
    return { allowed: true, direction: "ENTER", stagesToCheck: ordered.filter((s) => s.position < to.position), reasonKind: null };
  }
  if (isParked(from.kind)) {
    if (to.kind === "WON") {
      return { allowed: false, message: `Return the client to an active stage first: "${to.name}" is reached only through exit criteria` };
    }
    return { allowed: true, direction: "RETURN", stagesToCheck: [], reasonKind: null };
  }
  if (from.kind === "WON" && to.kind === "ACTIVE") return { allowed: true, direction: "REOPEN", stagesToCheck: [], reasonKind: null };
  if (to.position < from.position) return { allowed: true, direction: "BACKWARD", stagesToCheck: [], reasonKind: null };
  const stagesToCheck = ordered.filter((s) => s.position >= from.position && s.position < to.position);
  return { allowed: true, direction: "FORWARD", stagesToCheck, reasonKind: null };
}

/** The stage a "what do I need next?" question is about: the next ACTIVE/WON stage after the current one. */
export function nextStage(from: StageInfo, pipelineStages: readonly StageInfo[]): StageInfo | null {
  if (from.kind !== "ACTIVE") return null;
  return pipelineStages.filter((s) => isOrdered(s) && s.position > from.position).sort((a, b) => a.position - b.position)[0] ?? null;
}

export const toStageRef = (stage: StageInfo) => ({ id: stage.id, name: stage.name });
