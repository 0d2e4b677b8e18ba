import type { PrismaClient } from "../generated/prisma/client.js";
import { ValidationError } from "../graphql/errors.js";
import { applyCustomFields, type CustomValues, type FieldDefinition } from "./validate.js";

/** Loads the organization's definitions and validates a patch; throws a ValidationError naming each bad key. */
export async function resolveCustomFields(
  prisma: PrismaClient,
  organizationId: string,
  entity: "CLIENT" | "CONTACT",
  current: unknown,
  patch: unknown,
  path = "input.customFields",
): Promise<CustomValues> {
  if (patch !== undefined && patch !== null && (typeof patch !== "object" || Array.isArray(patch))) {
    throw ValidationError.field(path, "must be an object of key: value");
  }
  const definitions: FieldDefinition[] = await prisma.customFieldDefinition.findMany({
    where: { organizationId, entity },
    select: { key: true, label: true, type: true, options: true, required: true },
  });
  const { values, issues } = applyCustomFields(definitions, (current ?? {}) as CustomValues, (patch ?? {}) as Record<string, unknown>);
  if (issues.length) throw new ValidationError(issues.map((i) => ({ path: [...path.split("."), i.key], message: i.message })));
  return values;
}
