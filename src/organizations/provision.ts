import type { Prisma } from "../generated/prisma/client.js";
import { DEFAULT_FOLLOW_UP_RULES } from "../tasks/followups.js";
import { DEFAULT_REASONS, DEFAULT_STAGES, stageRows } from "../pipeline/default-template.js";

/** Creates a new tenant with its default pipeline, reason lists and follow-up rules, inside the caller's transaction. */
export async function provisionOrganization(tx: Prisma.TransactionClient, input: { name: string; timezone?: string }) {
  const organization = await tx.organization.create({ data: { name: input.name, timezone: input.timezone ?? "UTC" } });
  const pipeline = await tx.pipeline.create({
    data: { organizationId: organization.id, name: "Sales", isDefault: true },
  });
  // Stages come with their default exit criteria (src/pipeline/default-template.ts).
  await tx.stage.createMany({ data: stageRows(DEFAULT_STAGES, organization.id, pipeline.id) });
  await tx.reason.createMany({ data: DEFAULT_REASONS.map((r) => ({ ...r, organizationId: organization.id })) });
  await tx.followUpRule.createMany({ data: DEFAULT_FOLLOW_UP_RULES.map((r) => ({ ...r, organizationId: organization.id })) });
  return { organization, pipeline };
}
