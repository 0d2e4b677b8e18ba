import { z } from "zod";
import type { AuthedContext } from "../context.js";
import { NotFoundError, ValidationError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";
import { parseInput } from "../shared/validate.js";
import { compareAndSet } from "../shared/compare-and-set.js";
import { exitCriteriaSchema } from "./criteria.js";
import { PIPELINE_TEMPLATES, TEMPLATE_LANGUAGE, stageRows, type PipelineTemplateName } from "./default-template.js";

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

const updateStageSchema = z.object({
  name: text(100).min(1, "cannot be empty").optional(),
  sellerSteps: text(5000).optional(),
  sellerActions: text(5000).optional(),
  exitCriteria: exitCriteriaSchema.optional(),
});

export interface UpdateStageInput {
  name?: string;
  sellerSteps?: string;
  sellerActions?: string;
  exitCriteria?: unknown[];
}

/** ADMIN edits a stage's texts and exit criteria; criteria are validated as data, then stored as JSON. */
export async function updateStage(ctx: AuthedContext, id: string, expectedVersion: number, input: UpdateStageInput) {
  const { organizationId } = ctx.viewer;
  const data = parseInput(updateStageSchema, input);
  const stage = await ctx.prisma.stage.findFirst({ where: { id, organizationId } });
  if (!stage) throw new NotFoundError("Stage", encodeId("Stage", id));
  if (data.exitCriteria) {
    // Criteria on Won/Lost/Postponed would never be checked (nothing moves "forward" out of them), so refuse them.
    if (data.exitCriteria.length > 0 && stage.kind !== "ACTIVE") {
      throw ValidationError.field("input.exitCriteria", `only active stages have exit criteria; "${stage.name}" is ${stage.kind.toLowerCase()}`);
    }
    await assertCustomFieldsDefined(ctx, data.exitCriteria);
  }
  await compareAndSet({
    entity: "Stage", id, expectedVersion,
    write: () => ctx.prisma.stage.updateMany({
      where: { id, organizationId, version: expectedVersion },
      data: { ...data, exitCriteria: data.exitCriteria ? JSON.parse(JSON.stringify(data.exitCriteria)) : undefined, version: { increment: 1 } },
    }),
    reread: () => ctx.prisma.stage.findFirst({ where: { id, organizationId }, select: { version: true } }),
  });
}

async function assertCustomFieldsDefined(ctx: AuthedContext, rules: z.output<typeof exitCriteriaSchema>) {
  const wanted = rules.flatMap((rule, index) => (rule.kind === "CUSTOM_FIELD_FILLED" ? [{ key: rule.customFieldKey, index }] : []));
  if (wanted.length === 0) return;
  const defined = await ctx.prisma.customFieldDefinition.findMany({
    where: { organizationId: ctx.viewer.organizationId, entity: "CLIENT", key: { in: wanted.map((w) => w.key) } },
    select: { key: true },
  });
  const known = new Set(defined.map((d) => d.key));
  const issues = wanted
    .filter((w) => !known.has(w.key))
    .map((w) => ({ path: ["input", "exitCriteria", String(w.index), "customFieldKey"], message: `"${w.key}" is not a custom client field of your organization` }));
  if (issues.length) throw new ValidationError(issues);
}

/** ADMIN creates a further pipeline from a built-in template (stages, texts and default criteria). */
export async function createPipelineFromTemplate(ctx: AuthedContext, name: string, template: PipelineTemplateName) {
  const { organizationId } = ctx.viewer;
  const cleanName = parseInput(text(100).min(1, "cannot be empty"), name, ["input", "name"]);
  return ctx.prisma.$transaction(async (tx) => {
    const pipeline = await tx.pipeline.create({ data: { organizationId, name: cleanName, isDefault: false, language: TEMPLATE_LANGUAGE[template] } });
    await tx.stage.createMany({ data: stageRows(PIPELINE_TEMPLATES[template], organizationId, pipeline.id) });
    return pipeline;
  });
}
