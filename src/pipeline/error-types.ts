import { builder } from "../graphql/builder.js";
import { ErrorInterface } from "../graphql/error-types.js";
import { encodeId } from "../graphql/global-id.js";
import { UnmetCriterionRef } from "./criteria-types.js";
import { StageCriteriaNotMetError, type StageRef } from "./errors.js";

const StageRefType = builder.objectRef<StageRef>("StageRef").implement({
  description: "A stage named in an error (id and name only, so the error needs no extra lookups)",
  fields: (t) => ({ id: t.id({ resolve: (s) => encodeId("Stage", s.id) }), name: t.exposeString("name") }),
});

builder.objectType(StageCriteriaNotMetError, {
  name: "StageCriteriaNotMetError",
  description: "A forward move was refused; nothing changed. Fill in everything listed in `unmet` and try again.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof StageCriteriaNotMetError,
  fields: (t) => ({
    unmet: t.field({ type: [UnmetCriterionRef], resolve: (e) => e.unmet }),
    fromStage: t.field({ type: StageRefType, nullable: true, resolve: (e) => e.fromStage }),
    toStage: t.field({ type: StageRefType, resolve: (e) => e.toStage }),
  }),
});

export { StageCriteriaNotMetError };
