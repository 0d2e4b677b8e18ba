import { parsePrismaCursor } from "@pothos/plugin-prisma";
import { getArgumentValues } from "graphql/execution/values.js";
import { isObjectType, type FieldNode, type GraphQLField, type GraphQLSchema } from "graphql";
import { decodeId } from "../graphql/global-id.js";
import type { Context } from "../context.js";
import { scopesAllow, type ConnectionPlan, type FieldPlan, type Join, type ObjectPlan, type OperationPlan, type RootPlan } from "./plan.js";
import { idColumn, type ModelMeta } from "./model-meta.js";
import { NotCompilable, SqlParams, col, cursorSql, ident, orderColumns, orderSql, whereSql, type OrderColumn, type PrismaOrderBy, type PrismaWhere } from "./sql.js";

export interface PageLimits {
  defaultSize: number;
  maxSize: number;
}

/** The page a connection asks for, in Prisma's terms: `take` is one more than the page size, to see a next page. */
interface PageQuery {
  where?: PrismaWhere;
  orderBy?: PrismaOrderBy | PrismaOrderBy[];
  take: number;
  skip: number;
  cursor?: Record<string, unknown>;
  after: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_JSON_ARGS = 100; // json_build_object takes at most 100 arguments

/**
 * Renders a plan into one SQL statement whose single row holds the response's `data` as JSON. Per request,
 * because page sizes, filters and cursors come from the variables. Throws NotCompilable for what only the
 * Pothos path handles (it then reports the error or the edge case exactly as it always did).
 */
export async function renderOperation(
  plan: OperationPlan,
  variables: Record<string, unknown>,
  ctx: Context,
  limits: PageLimits,
  scopes: Record<string, boolean>,
  schema: GraphQLSchema,
) {
  const r = new Renderer(variables, ctx);
  const parts: string[] = [];
  for (const { key, plan: root } of plan.roots) {
    if (root.kind === "pothos") continue;
    if (root.kind === "typename") {
      parts.push(`'${key}', '${root.value}'::text`);
      continue;
    }
    if (root.kind === "node") {
      parts.push(`'${key}', ${r.node(root, scopes, schema)}`);
      continue;
    }
    const args = r.args(root.field, root.node);
    const where = await root.spec.where(args, ctx);
    const query = { ...rootPage(args, limits), where: where as PrismaWhere, orderBy: root.spec.orderBy(args, ctx) as PrismaOrderBy[] };
    parts.push(`'${key}', ${r.connection(root.connection, root.connection.object.model, () => "TRUE", query, false)}`);
  }
  if (parts.length * 2 > MAX_JSON_ARGS) throw new NotCompilable("too many root fields");
  return { sql: `SELECT json_build_object(${parts.join(", ")}) AS data`, params: r.params.values };
}

/** Pothos' page arguments for a root connection (prismaCursorConnectionQuery), forwards only. */
function rootPage(args: Record<string, unknown>, limits: PageLimits): Omit<PageQuery, "where" | "orderBy"> {
  const { first, after, last, before } = args as { first?: number | null; after?: string | null; last?: unknown; before?: unknown };
  if (last != null || before != null) throw new NotCompilable("backward pagination");
  if (first != null && first < 0) throw new NotCompilable("negative page size");
  const take = Math.min(first ?? limits.defaultSize, limits.maxSize) + 1;
  if (after == null) return { take, skip: 0, after: false };
  let id: unknown;
  try {
    id = parsePrismaCursor(after);
  } catch {
    throw new NotCompilable("malformed cursor");
  }
  return { take, skip: 1, cursor: { id }, after: true };
}

class Renderer {
  readonly params = new SqlParams();
  private organizationParam: string | undefined;
  private aliases = 0;
  constructor(
    private readonly variables: Record<string, unknown>,
    private readonly ctx: Context,
  ) {}

  args(field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    return getArgumentValues(field, node, this.variables);
  }

  node(root: Extract<RootPlan, { kind: "node" }>, scopes: Record<string, boolean>, schema: GraphQLSchema): string {
    const { id } = this.args(root.field, root.node) as { id: string };
    let decoded: { typename: string; id: string };
    try {
      decoded = decodeId(id);
    } catch {
      throw new NotCompilable("malformed id");
    }
    const type = schema.getType(decoded.typename);
    const plan = isObjectType(type) ? root.byType.for(type) : null;
    if (!plan) throw new NotCompilable(`node of type ${decoded.typename}`);
    if (!scopesAllow(plan.scopes, scopes)) throw new NotCompilable("scopes");
    const t = this.alias();
    const model = plan.object.model;
    // As tenantNode's findUnique: the id within the caller's organization; another organization's id reads as null.
    return `(SELECT ${this.object(plan.object, t)} FROM ${ident(model.name)} ${t} WHERE ${col(t, idColumn(model)!)} = ${this.params.add(decoded.id)} AND ${this.tenant(t)})`;
  }

  private alias(): string {
    return `t${++this.aliases}`;
  }

  /** Every table the statement reads is limited to the caller's organization (one parameter, added on first use). */
  private tenant(alias: string): string {
    this.organizationParam ??= this.params.add(this.ctx.viewer!.organizationId);
    return `${col(alias, "organizationId")} = ${this.organizationParam}`;
  }

  object(plan: ObjectPlan, alias: string): string {
    if (plan.fields.length * 2 > MAX_JSON_ARGS) throw new NotCompilable("more than 50 fields in one selection");
    const parts = plan.fields.map(({ key, plan: field }) => `'${key}', ${this.field(field, alias)}`);
    return `json_build_object(${parts.join(", ")})`;
  }

  private field(plan: FieldPlan, alias: string): string {
    switch (plan.kind) {
      case "typename":
        return `'${plan.value}'::text`;
      case "globalId":
        // Relay ids are base64url("Type:uuid") without padding, as encodeId writes them.
        return `translate(rtrim(encode(convert_to('${plan.typeName}:' || ${col(alias, plan.column)}::text, 'UTF8'), 'base64'), '='), E'+/\\n', '-_')`;
      case "column":
        if (plan.format === "datetime") return `to_char(${col(alias, plan.column)}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
        // Prisma's Decimal prints without trailing zeros ("9000.00" is "9000").
        if (plan.format === "decimal") return `trim_scale(${col(alias, plan.column)})::text`;
        return col(alias, plan.column);
      case "expression":
        return `(${plan.sql({ column: (name) => col(alias, name), param: (value) => this.params.add(value), ctx: this.ctx })})`;
      case "relation":
        return this.relation(plan, alias);
      case "count": {
        const b = this.alias();
        const where = whereSql(plan.join.target, b, plan.where as PrismaWhere | undefined, this.params);
        return `(SELECT count(*)::int FROM ${ident(plan.join.target.name)} ${b} WHERE ${this.joinSql(plan.join, alias, b)} AND ${where})`;
      }
      case "connection": {
        const args = this.args(plan.field, plan.node);
        const query = this.capturedQuery(plan.field, args, true) as PageQuery & { take: number };
        if (typeof query.take !== "number" || query.take < 0) throw new NotCompilable("backward pagination");
        const page: PageQuery = { ...query, skip: query.skip ?? 0, after: args.after != null };
        return this.connection(plan.connection, plan.join.target, (b) => this.joinSql(plan.join, alias, b), page, true);
      }
    }
  }

  private joinSql(join: Join, parent: string, child: string): string {
    return `${col(child, join.childColumn)} = ${col(parent, join.parentColumn)} AND ${this.tenant(child)}`;
  }

  private relation(plan: Extract<FieldPlan, { kind: "relation" }>, alias: string): string {
    const b = this.alias();
    const from = `FROM ${ident(plan.join.target.name)} ${b} WHERE ${this.joinSql(plan.join, alias, b)}`;
    if (!plan.list) return `(SELECT ${this.object(plan.object, b)} ${from})`;
    const query = (this.capturedQuery(plan.field, this.args(plan.field, plan.node), false) ?? {}) as PageQuery;
    for (const key of Object.keys(query)) {
      if (!["where", "orderBy", "select", "include"].includes(key)) throw new NotCompilable(`list relation with ${key}`);
    }
    const order = orderColumns(plan.join.target, query.orderBy);
    if (!order.length) throw new NotCompilable("list relation without an order");
    const where = whereSql(plan.join.target, b, query.where, this.params);
    return `(SELECT coalesce(json_agg(${this.object(plan.object, b)} ORDER BY ${orderSql(b, order)}), '[]'::json) ${from} AND ${where})`;
  }

  /** The Prisma query Pothos itself would build for this relation field (its `query` option and page args). */
  private capturedQuery(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, connection: boolean): Record<string, any> | undefined {
    const select = (field.extensions as { pothosPrismaSelect?: unknown }).pothosPrismaSelect;
    if (typeof select !== "function") throw new NotCompilable("relation without a select plan");
    let captured: unknown;
    try {
      select(args, this.ctx, (query: unknown) => {
        captured = query;
        return {};
      }, () => new Set(connection ? ["edges"] : []));
    } catch {
      throw new NotCompilable("relation arguments rejected"); // e.g. a malformed cursor: Pothos reports it
    }
    if (typeof captured === "function") captured = captured(args, this.ctx);
    if (captured && typeof (captured as PromiseLike<unknown>).then === "function") throw new NotCompilable("async relation query");
    return captured as Record<string, any> | undefined;
  }

  connection(plan: ConnectionPlan, model: ModelMeta, parentCondition: (alias: string) => string, page: PageQuery, nested: boolean): string {
    const c = this.alias();
    const order = orderColumns(model, page.orderBy);
    if (!order.length) throw new NotCompilable("connection without an order");
    const limit = page.take - 1;
    const cursor = page.cursor && Object.entries(page.cursor)[0];
    if (cursor && (typeof cursor[1] !== "string" || !UUID.test(cursor[1]))) throw new NotCompilable("cursor is not an id");
    const inMemoryCursor = !!cursor && (nested || order.some((o) => !o.field.isRequired));
    const where = (alias: string, extra: string) =>
      `WHERE ${parentCondition(alias)} AND ${this.tenant(alias)} AND ${whereSql(model, alias, page.where, this.params)} AND ${extra}`;
    const pageInfoNeedsRows = plan.fields.some(({ part }) => part.kind === "pageInfo" && part.fields.some((f) => f.name !== "hasPreviousPage" && f.name !== "__typename"));
    if (!inMemoryCursor && !pageInfoNeedsRows) return this.plainPage(plan, model, c, order, page, where);

    const filtered = (extra: string) =>
      `SELECT ${c}.*, row_number() OVER (ORDER BY ${orderSql(c, order)}) AS "__n" FROM ${ident(model.name)} ${c} ${where(c, extra)}`;
    // Each row gets its position "__n"; the page is the `take` rows from position "__s" on.
    let rows: string;
    if (inMemoryCursor) {
      const [key, value] = cursor;
      // Where SQL cannot page (a nested list, or a nullable sort column), Prisma pages from a cursor in memory:
      // it filters with cursorSql, finds the cursor row among the results (none if the filter excludes it, e.g.
      // another organization's row), and takes from there. Otherwise it skips in SQL, as the branch below does.
      const at = `max(CASE WHEN ${col(c, key!)} = ${this.params.add(value)} THEN ${c}."__n" END) OVER () + ${page.skip}`;
      rows =
        `SELECT * FROM (SELECT ${c}.*, ${at} AS "__s" FROM (${filtered(cursorSql(model, c, order, page.cursor!, this.params))}) ${c}) ${c} ` +
        `WHERE ${c}."__n" >= ${c}."__s" AND ${c}."__n" < ${c}."__s" + ${page.take}`;
    } else {
      const condition = cursor ? cursorSql(model, c, order, page.cursor!, this.params) : "TRUE";
      rows = `SELECT *, ${page.skip + 1} AS "__s" FROM (${filtered(condition)} ORDER BY ${orderSql(c, order)} LIMIT ${page.take} OFFSET ${page.skip}) ${c}`;
    }
    const inPage = `${c}."__n" < ${c}."__s" + ${limit}`;
    const cursorOf = cursorExpression(c);
    const parts = plan.fields.map(({ key, part }) => {
      switch (part.kind) {
        case "typename":
        case "totalCount":
          return this.connectionConstant(key, part, model, where);
        case "edges":
          return `'${key}', coalesce(json_agg(${this.edge(plan, part, c)} ORDER BY ${c}."__n") FILTER (WHERE ${inPage}), '[]'::json)`;
        case "pageInfo": {
          const fields = part.fields.map(({ key: k, name }) => {
            if (name === "hasNextPage") return `'${k}', count(*) = ${page.take}`;
            if (name === "hasPreviousPage") return `'${k}', ${page.after}`;
            if (name === "startCursor") return `'${k}', (array_agg(${cursorOf} ORDER BY ${c}."__n") FILTER (WHERE ${inPage}))[1]`;
            if (name === "endCursor") return `'${k}', (array_agg(${cursorOf} ORDER BY ${c}."__n" DESC) FILTER (WHERE ${inPage}))[1]`;
            return `'${k}', 'PageInfo'::text`;
          });
          return `'${key}', json_build_object(${fields.join(", ")})`;
        }
      }
    });
    // GROUP BY (): exactly one row even over an empty page, whether or not a part aggregates.
    return `(SELECT json_build_object(${parts.join(", ")}) FROM (${rows}) ${c} GROUP BY ())`;
  }

  /**
   * The common page: no cursor to find in memory and no page info that needs the row after the page, so the
   * page is a plain ORDER BY … LIMIT and no row positions are computed.
   */
  private plainPage(plan: ConnectionPlan, model: ModelMeta, c: string, order: OrderColumn[], page: PageQuery, where: (alias: string, extra: string) => string): string {
    let rows: string | undefined;
    const parts = plan.fields.map(({ key, part }) => {
      switch (part.kind) {
        case "typename":
        case "totalCount":
          return this.connectionConstant(key, part, model, where);
        case "edges": {
          const condition = page.cursor ? cursorSql(model, c, order, page.cursor, this.params) : "TRUE";
          // Page size and offset as parameters: one statement text per document, whatever `first` asks.
          rows ??= `SELECT * FROM ${ident(model.name)} ${c} ${where(c, condition)} ORDER BY ${orderSql(c, order)} LIMIT ${this.params.add(page.take - 1)} OFFSET ${this.params.add(page.skip)}`;
          return `'${key}', coalesce(json_agg(${this.edge(plan, part, c)} ORDER BY ${orderSql(c, order)}), '[]'::json)`;
        }
        case "pageInfo":
          return `'${key}', json_build_object(${part.fields.map(({ key: k, name }) => (name === "hasPreviousPage" ? `'${k}', ${page.after}` : `'${k}', 'PageInfo'::text`)).join(", ")})`;
      }
    });
    return rows ? `(SELECT json_build_object(${parts.join(", ")}) FROM (${rows}) ${c})` : `json_build_object(${parts.join(", ")})`;
  }

  /** Parts of a connection that do not depend on the page's rows: its type name and its total count. */
  private connectionConstant(
    key: string,
    part: { kind: "typename"; value: string } | { kind: "totalCount" },
    model: ModelMeta,
    where: (alias: string, extra: string) => string,
  ): string {
    if (part.kind === "typename") return `'${key}', '${part.value}'::text`;
    const t = this.alias();
    return `'${key}', (SELECT count(*)::int FROM ${ident(model.name)} ${t} ${where(t, "TRUE")})`;
  }

  private edge(plan: ConnectionPlan, part: Extract<ConnectionPlan["fields"][number]["part"], { kind: "edges" }>, c: string): string {
    const fields = part.fields.map((f) =>
      f.part === "cursor" ? `'${f.key}', ${cursorExpression(c)}` : f.part === "node" ? `'${f.key}', ${this.object(plan.object, c)}` : `'${f.key}', '${f.value}'::text`,
    );
    return `json_build_object(${fields.join(", ")})`;
  }
}

/** Pothos' cursor for an `id` column: base64("GPC:S:<id>"). */
function cursorExpression(alias: string): string {
  return `replace(encode(convert_to('GPC:S:' || ${col(alias, "id")}::text, 'UTF8'), 'base64'), E'\\n', '')`;
}
