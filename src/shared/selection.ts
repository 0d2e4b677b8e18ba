/**
 * Pothos hands resolvers a `query` with exactly the selected columns. When a client selects only
 * `__typename` of a payload, that is `{ select: {} }`, which Prisma rejects; select the id instead.
 */
export function selection<T extends object>(query: T): T {
  const select = (query as { select?: object }).select;
  if (select && Object.keys(select).length === 0) return { ...query, select: { id: true } };
  return query;
}
