import type { Prisma } from "../generated/prisma/client.js";
import { DEFAULT_REASONS, DEFAULT_STAGES } from "../pipeline/default-template.js";

/** Creates a new tenant with its default pipeline and reason lists, inside the caller's transaction. */
export async function provisionOrganization(tx: Prisma.TransactionClient, input: { name: string; timezone?: string }) {
  const organization = await tx.organization.create({ data: { name: input.name, timezone: input.timezone ?? "UTC" } });
  const pipeline = await tx.pipeline.create({
    data: { organizationId: organization.id, name: "Sales", isDefault: true },
  });
  await tx.stage.createMany({
    data: DEFAULT_STAGES.map((stage, position) => ({ ...stage, position, organizationId: organization.id, pipelineId: pipeline.id })),
  });
  await tx.reason.createMany({ data: DEFAULT_REASONS.map((r) => ({ ...r, organizationId: organization.id })) });
  return { organization, pipeline };
}
