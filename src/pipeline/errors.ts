import { DomainError } from "../graphql/errors.js";
import type { UnmetCriterion } from "./criteria.js";

export interface StageRef {
  id: string;
  name: string;
}

/** One unmet criterion, with the stage whose exit it guards (a skip-ahead checks several stages). */
export interface UnmetStageCriterion extends UnmetCriterion {
  stage: StageRef;
}

/** A refused forward move: nothing changed; `unmet` lists everything still missing. */
export class StageCriteriaNotMetError extends DomainError {
  constructor(readonly unmet: UnmetStageCriterion[], readonly fromStage: StageRef | null, readonly toStage: StageRef) {
    super(`Cannot move to "${toStage.name}": ${unmet.length} exit criteria not met (${unmet.map((u) => u.message).join("; ")})`, "STAGE_CRITERIA_NOT_MET");
  }
}
