import { getDatamodel } from "../generated/pothos-types.js";

/** What the compiler needs to know of a Prisma model: its columns and relations, from the generated datamodel. */
export interface ModelField {
  name: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isList: boolean;
  isId: boolean;
  relationName?: string;
  relationFromFields?: string[];
}

export interface ModelMeta {
  name: string;
  fields: Map<string, ModelField>;
  /** Every tenant-owned model carries organizationId; the compiler adds it to each WHERE. */
  tenant: boolean;
}

const models = new Map<string, ModelMeta>();
for (const [name, model] of Object.entries(getDatamodel().datamodel.models)) {
  const fields = new Map<string, ModelField>();
  for (const field of model.fields as unknown as ModelField[]) fields.set(field.name, field);
  models.set(name, { name, fields, tenant: fields.get("organizationId")?.kind === "scalar" });
}

export function modelMeta(name: string): ModelMeta | undefined {
  return models.get(name);
}

/**
 * How a relation joins: `parent.from[i] = child.to[i]` columns. The side that holds the foreign key lists it in
 * relationFromFields (always pointing at the other side's id here); the other side finds it through relationName.
 */
export function relationJoin(model: ModelMeta, relationField: string): { target: ModelMeta; parentColumn: string; childColumn: string } | undefined {
  const field = model.fields.get(relationField);
  if (!field || field.kind !== "object") return undefined;
  const target = models.get(field.type);
  if (!target) return undefined;
  const targetId = idColumn(target);
  const parentId = idColumn(model);
  if (field.relationFromFields?.length === 1 && targetId) return { target, parentColumn: field.relationFromFields[0]!, childColumn: targetId };
  if (field.relationFromFields?.length || !parentId) return undefined;
  const back = [...target.fields.values()].find((f) => f.relationName === field.relationName && f.type === model.name && f !== field);
  if (back?.relationFromFields?.length !== 1) return undefined;
  return { target, parentColumn: parentId, childColumn: back.relationFromFields[0]! };
}

/** The single-column primary key; models with a compound key do not compile. */
export function idColumn(model: ModelMeta): string | undefined {
  for (const field of model.fields.values()) if (field.isId) return field.name;
  return undefined;
}
