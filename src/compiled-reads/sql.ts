import type { ModelMeta, ModelField } from "./model-meta.js";

/** Thrown while compiling or rendering when something is outside the compilable subset: the caller falls back. */
export class NotCompilable extends Error {}

/** Positional parameters of one statement. PostgreSQL infers each one's type from the column it is compared with. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value instanceof Date ? timestampLiteral(value) : value);
    return `$${this.values.length}`;
  }
}

// Columns are `timestamp(3)` without time zone holding UTC, as Prisma writes them.
function timestampLiteral(date: Date): string {
  return date.toISOString().slice(0, -1);
}

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const col = (alias: string, column: string) => `${alias}.${ident(column)}`;

export type PrismaWhere = Record<string, unknown>;
export type PrismaOrderBy = Record<string, "asc" | "desc" | { sort: "asc" | "desc"; nulls?: "first" | "last" }>;

const OPERATORS: Record<string, string> = { lt: "<", lte: "<=", gt: ">", gte: ">=", equals: "=" };

/** The subset of Prisma's WhereInput the domain's list filters use, as SQL. Anything else is NotCompilable. */
export function whereSql(model: ModelMeta, alias: string, where: PrismaWhere | undefined, params: SqlParams): string {
  if (!where) return "TRUE";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "AND" || key === "OR" || key === "NOT") {
      const list = (Array.isArray(value) ? value : [value]) as PrismaWhere[];
      const inner = list.map((w) => `(${whereSql(model, alias, w, params)})`);
      if (key === "AND") parts.push(inner.length ? inner.join(" AND ") : "TRUE");
      else if (key === "OR") parts.push(inner.length ? `(${inner.join(" OR ")})` : "FALSE");
      else parts.push(inner.length ? `NOT (${inner.join(" OR ")})` : "TRUE");
      continue;
    }
    if (isListHas(model, key, value)) {
      parts.push(`${params.add((value as { has: unknown }).has)}::text = ANY(${col(alias, key)})`);
      continue;
    }
    parts.push(fieldCondition(scalarField(model, key), col(alias, key), value, params));
  }
  return parts.length ? parts.join(" AND ") : "TRUE";
}

/** `{ has: value }` on a String[] column (e.g. Contact.phones): the one list filter the domain uses. */
function isListHas(model: ModelMeta, name: string, value: unknown): boolean {
  const field = model.fields.get(name);
  if (!field?.isList || field.kind === "object" || field.type !== "String") return false;
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  return keys.length === 1 && keys[0] === "has" && typeof (value as { has: unknown }).has === "string";
}

function scalarField(model: ModelMeta, name: string): ModelField {
  const field = model.fields.get(name);
  if (!field || field.kind === "object" || field.isList || field.type === "Json") {
    throw new NotCompilable(`filter on ${model.name}.${name}`);
  }
  return field;
}

function fieldCondition(field: ModelField, column: string, value: unknown, params: SqlParams): string {
  if (value === null) return `${column} IS NULL`;
  if (typeof value !== "object" || value instanceof Date) return `${column} = ${params.add(value)}`;
  const filter = value as Record<string, unknown>;
  const insensitive = filter.mode === "insensitive";
  const parts: string[] = [];
  for (const [op, operand] of Object.entries(filter)) {
    if (operand === undefined || op === "mode") continue;
    if (op in OPERATORS) {
      if (operand === null && op === "equals") parts.push(`${column} IS NULL`);
      else if (insensitive && op === "equals") throw new NotCompilable("insensitive equals");
      else parts.push(`${column} ${OPERATORS[op]} ${params.add(operand)}`);
    } else if (op === "not" && operand === null) {
      parts.push(`${column} IS NOT NULL`);
    } else if (op === "in" || op === "notIn") {
      if (!Array.isArray(operand)) throw new NotCompilable(`${op} without a list`);
      const any = `${column} = ANY(${params.add(operand)})`;
      parts.push(op === "in" ? any : `NOT (${any})`);
    } else if (op === "contains" || op === "startsWith" || op === "endsWith") {
      if (field.type !== "String") throw new NotCompilable(`${op} on ${field.type}`);
      // Like Prisma, the term is not escaped: % and _ in it match as wildcards on both paths.
      const pattern = op === "contains" ? `%${operand}%` : op === "startsWith" ? `${operand}%` : `%${operand}`;
      parts.push(`${column} ${insensitive ? "ILIKE" : "LIKE"} ${params.add(pattern)}`);
    } else {
      throw new NotCompilable(`filter operator ${op}`);
    }
  }
  return parts.length ? parts.join(" AND ") : "TRUE";
}

export interface OrderColumn {
  field: ModelField;
  descending: boolean;
  nulls?: "first" | "last";
}

export function orderColumns(model: ModelMeta, orderBy: PrismaOrderBy | PrismaOrderBy[] | undefined): OrderColumn[] {
  const list = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  return list.flatMap((entry) =>
    Object.entries(entry).map(([name, spec]) => {
      const field = scalarField(model, name);
      const sort = typeof spec === "string" ? spec : spec.sort;
      return { field, descending: sort === "desc", nulls: typeof spec === "string" ? undefined : spec.nulls };
    }),
  );
}

export function orderSql(alias: string, columns: OrderColumn[]): string {
  return columns
    .map((c) => `${col(alias, c.field.name)} ${c.descending ? "DESC" : "ASC"}${c.nulls ? ` NULLS ${c.nulls.toUpperCase()}` : ""}`)
    .join(", ");
}

/**
 * Prisma's cursor condition, reproduced term for term so both paths page identically: rows equal to the cursor
 * row on a prefix of the order and after it on the next column, the last column inclusive (the caller skips the
 * cursor row itself). The cursor row is looked up by id alone, as Prisma does. Nullable columns compare the way
 * Prisma compares them: NULL on either side counts as equal and as after.
 */
export function cursorSql(model: ModelMeta, alias: string, columns: OrderColumn[], cursor: Record<string, unknown>, params: SqlParams): string {
  const keys = Object.keys(cursor);
  if (keys.length !== 1) throw new NotCompilable("compound cursor");
  const key = scalarField(model, keys[0]!);
  if (!columns.length || columns[columns.length - 1]!.field.name !== key.name) throw new NotCompilable("cursor column is not the last sort column");
  const cursorValue = (field: ModelField) =>
    `(SELECT cur.${ident(field.name)} FROM ${ident(model.name)} cur WHERE cur.${ident(key.name)} = ${params.add(cursor[key.name])})`;
  const compare = (c: OrderColumn, op: string) => {
    const here = col(alias, c.field.name);
    const there = cursorValue(c.field);
    if (c.field.isRequired) return `${here} ${op} ${there}`;
    return `(${here} ${op} ${there} OR ${there} IS NULL OR ${here} IS NULL)`;
  };
  const terms: string[] = [];
  for (let i = columns.length - 1; i >= 0; i--) {
    const prefix = columns.slice(0, i).map((c) => compare(c, "="));
    const c = columns[i]!;
    const last = i === columns.length - 1;
    const op = c.descending ? (last ? "<=" : "<") : last ? ">=" : ">";
    terms.push(`(${[...prefix, compare(c, op)].join(" AND ")})`);
  }
  return `(${terms.join(" OR ")})`;
}
