import type { Prisma } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { idOf } from "../shared/ids.js";

export const ClientKindEnum = builder.enumType("ClientKind", { values: ["COMPANY", "PERSON"] as const });
export const AbcClassEnum = builder.enumType("AbcClass", {
  description: "ABC class by revenue share in the analysis window (A: the top share, B: the next, C: the rest)",
  values: ["A", "B", "C"] as const,
});
export const SortDirection = builder.enumType("SortDirection", { values: ["ASC", "DESC"] as const });
const ClientOrderField = builder.enumType("ClientOrderField", {
  values: ["NAME", "CREATED_AT", "UPDATED_AT", "STAGE_ENTERED_AT"] as const,
});

export const ClientFilterInput = builder.inputType("ClientFilter", {
  fields: (t) => ({
    search: t.string({ description: "Case-insensitive substring of the name, phone, email or website" }),
    ownerId: t.id(),
    unowned: t.boolean({ description: "true: only clients nobody owns" }),
    stageId: t.id(),
    channelId: t.id(),
    kind: t.field({ type: ClientKindEnum }),
    abcClass: t.field({ type: AbcClassEnum }),
  }),
});

export const ClientOrderInput = builder.inputType("ClientOrder", {
  fields: (t) => ({
    field: t.field({ type: ClientOrderField, required: true }),
    direction: t.field({ type: SortDirection, defaultValue: "ASC" }),
  }),
});

type Filter = typeof ClientFilterInput.$inferInput;
type Order = typeof ClientOrderInput.$inferInput;

/** Always starts from the caller's organization, so no filter can widen the scope. */
export function clientWhere(organizationId: string, filter: Filter | null | undefined): Prisma.ClientWhereInput {
  const where: Prisma.ClientWhereInput = { organizationId };
  if (!filter) return where;
  const search = filter.search?.trim().slice(0, 200);
  if (search) {
    where.OR = ["name", "phone", "email", "website"].map((field) => ({ [field]: { contains: search, mode: "insensitive" } }));
  }
  if (filter.ownerId) where.ownerId = idOf(filter.ownerId, "User", "filter.ownerId");
  if (filter.unowned) where.ownerId = null;
  if (filter.stageId) where.stageId = idOf(filter.stageId, "Stage", "filter.stageId");
  if (filter.channelId) where.channelId = idOf(filter.channelId, "Channel", "filter.channelId");
  if (filter.kind) where.kind = filter.kind;
  if (filter.abcClass) where.abcClass = filter.abcClass;
  return where;
}

const ORDER_COLUMN = { NAME: "name", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", STAGE_ENTERED_AT: "stageEnteredAt" } as const;

/** The id tiebreaker keeps cursor pagination stable when sort values repeat. */
export function clientOrderBy(order: Order | null | undefined): Prisma.ClientOrderByWithRelationInput[] {
  const direction = order?.direction === "DESC" ? "desc" : "asc";
  const column = ORDER_COLUMN[order?.field ?? "NAME"];
  return [{ [column]: direction }, { id: direction }];
}
