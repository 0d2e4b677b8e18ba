import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../graphql/errors.js";
import { selection } from "../shared/selection.js";
import { authed } from "../context.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { idOf } from "../shared/ids.js";
import { ActivityOutcomeOptionRef, LanguageEnum } from "../activities/schema.js";
import { isLanguage, outcomeOptions } from "../activities/outcomes.js";
import { parseStoredCriteria } from "./criteria.js";
import { criterionInputToJson, ExitCriterionInput, ExitCriterionRef } from "./criteria-types.js";
import { createPipelineFromTemplate, updateStage } from "./stage-admin.js";

export const StageKindEnum = builder.enumType("StageKind", { values: ["ACTIVE", "WON", "LOST", "POSTPONED"] as const });

const PipelineTemplateEnum = builder.enumType("PipelineTemplate", {
  values: {
    DEFAULT_EN: { description: "The 9-stage default (Object … Postponed) with default exit criteria" },
    DEFAULT_RU: { description: "The same stages with the original Russian names (Объект … Отложено)" },
  } as const,
});

builder.prismaNode("Pipeline", {
  ...tenantNode,
  fields: (t) => ({
    name: t.exposeString("name"),
    isDefault: t.exposeBoolean("isDefault"),
    language: t.field({
      type: LanguageEnum,
      description: "Language of the template the pipeline was made from; its labels (activity outcomes) follow it",
      select: { language: true },
      resolve: (p) => (isLanguage(p.language) ? p.language : "en"),
    }),
    activityOutcomes: t.field({
      type: [ActivityOutcomeOptionRef],
      description: "Call and meeting outcomes with labels in the pipeline's language, for an outcome picker",
      select: { language: true },
      resolve: (p) => outcomeOptions(isLanguage(p.language) ? p.language : "en"),
    }),
    stages: t.relation("stages", { query: { orderBy: { position: "asc" } } }),
  }),
});

builder.prismaNode("Stage", {
  ...tenantNode,
  select: { id: true }, // select mode: load only the columns the query asks for
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    kind: t.expose("kind", { type: StageKindEnum }),
    position: t.exposeInt("position"),
    sellerSteps: t.exposeString("sellerSteps"),
    sellerActions: t.exposeString("sellerActions"),
    exitCriteria: t.field({
      type: [ExitCriterionRef],
      description: "What must hold before a client leaves this stage forward",
      select: { exitCriteria: true, id: true },
      resolve: (stage) => parseStoredCriteria(stage.exitCriteria, stage.id),
    }),
    version: t.exposeInt("version", { description: "Pass as expectedVersion to updateStage" }),
    pipeline: t.relation("pipeline"),
    clientCount: t.relationCount("clients"),
  }),
});

builder.queryField("pipelines", (t) =>
  t.prismaField({
    type: ["Pipeline"],
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.pipeline.findMany({ ...selection(query), where: { organizationId: ctx.viewer!.organizationId }, orderBy: { createdAt: "asc" } }),
  }),
);

builder.mutationFields((t) => ({
  createPipelineFromTemplate: t.prismaField({
    type: "Pipeline",
    description: "Creates another pipeline from a built-in template. ADMIN only.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "pipeline" } },
    args: {
      input: t.arg({
        type: builder.inputType("CreatePipelineFromTemplateInput", {
          fields: (f) => ({ name: f.string({ required: true }), template: f.field({ type: PipelineTemplateEnum, required: true }) }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const pipeline = await createPipelineFromTemplate(authed(ctx), input.name, input.template);
      return ctx.prisma.pipeline.findUniqueOrThrow({ ...selection(query), where: { id: pipeline.id } });
    },
  }),
  updateStage: t.prismaField({
    type: "Stage",
    description: "Edits a stage's name, seller texts and exit criteria (replaced as a whole when given). ADMIN only.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError, VersionConflictError], dataField: { name: "stage" } },
    args: {
      input: t.arg({
        type: builder.inputType("UpdateStageInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            expectedVersion: f.int({ required: true }),
            name: f.string(),
            sellerSteps: f.string(),
            sellerActions: f.string(),
            exitCriteria: f.field({ type: [ExitCriterionInput], description: "Replaces all exit criteria of the stage" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.id, "Stage", "input.id");
      await updateStage(authed(ctx), id, input.expectedVersion, {
        name: input.name ?? undefined,
        sellerSteps: input.sellerSteps ?? undefined,
        sellerActions: input.sellerActions ?? undefined,
        exitCriteria: input.exitCriteria?.map((c) => criterionInputToJson(c)),
      });
      return ctx.prisma.stage.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
}));
