import { getNamedType, getNullableType, isListType, type GraphQLField } from "graphql";

const DEFAULT_PAGE_SIZE = 20;
const LIST_MULTIPLIER = 10;

/**
 * Cost of one field: connections multiply their selection by the page size actually asked for
 * (`first`/`last`), so three nested pages of 100 cost 1,000,000, not 3,000. `edges` does not multiply again.
 */
export function fieldComplexity(args: Record<string, unknown>, _ctx: unknown, field: GraphQLField<unknown, unknown>) {
  const page = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : undefined;
  if (page !== undefined) return { field: 1, multiplier: Math.max(1, page) };
  if (field.name === "edges") return { field: 1, multiplier: 1 };
  if (getNamedType(field.type).name.endsWith("Connection")) return { field: 1, multiplier: DEFAULT_PAGE_SIZE };
  if (isListType(getNullableType(field.type))) return { field: 1, multiplier: LIST_MULTIPLIER };
  return 1;
}
