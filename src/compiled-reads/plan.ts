import {
  GraphQLEnumType,
  GraphQLObjectType,
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isObjectType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { modelMeta, relationJoin, idColumn, type ModelMeta } from "./model-meta.js";
import { NotCompilable } from "./sql.js";
import { rootListSpec, type RootListSpec } from "./root-list.js";

/**
 * A compiled operation: the selection resolved once against the schema into a tree the renderer turns into one
 * SQL statement per request. Built from Pothos/Prisma field extensions, so plain fields need no extra code.
 */
export interface OperationPlan {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** Just this operation and the fragments, for Pothos' complexity calculation (which takes the first operation). */
  document: DocumentNode;
  /** The root fields Pothos answers, as their own operation; undefined when everything compiles. */
  pothosDocument?: DocumentNode;
  /** Scope alternatives every part of the selection needs (each entry: any one of its scopes). */
  scopes: string[][];
  roots: Array<{ key: string; plan: RootPlan }>;
}

export type RootPlan =
  | { kind: "typename"; value: string }
  /** Answered by Pothos, from `pothosDocument`. */
  | { kind: "pothos" }
  | { kind: "node"; field: GraphQLField<unknown, unknown>; node: FieldNode; byType: NodePlans }
  | { kind: "list"; field: GraphQLField<unknown, unknown>; node: FieldNode; spec: RootListSpec; connection: ConnectionPlan };

/** Whether the caller's scopes satisfy every requirement a plan recorded (each one: any of its scopes). */
export function scopesAllow(required: string[][], scopes: Record<string, boolean>): boolean {
  return required.every((anyOf) => anyOf.some((scope) => scopes[scope]));
}

/** `node(id:)`: the concrete type is known only from the id, so each type's plan is made on first use. */
export class NodePlans {
  private readonly plans = new Map<string, { object: ObjectPlan; scopes: string[][] } | null>();
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly nodes: readonly FieldNode[],
    private readonly fragments: Record<string, FragmentDefinitionNode>,
  ) {}

  for(type: GraphQLObjectType): { object: ObjectPlan; scopes: string[][] } | null {
    if (!this.plans.has(type.name)) {
      const model = modelMeta((type.extensions as { pothosPrismaModel?: string }).pothosPrismaModel ?? "");
      const idField = type.getFields().id?.extensions as { globalIdColumn?: string } | undefined;
      let plan: { object: ObjectPlan; scopes: string[][] } | null = null;
      if (model?.tenant && idField?.globalIdColumn) {
        try {
          const planner = new Planner(this.schema, this.fragments, false);
          plan = { object: planner.object(type, this.nodes, model), scopes: planner.scopes };
        } catch (error) {
          if (!(error instanceof NotCompilable)) throw error;
        }
      }
      this.plans.set(type.name, plan);
    }
    return this.plans.get(type.name)!;
  }
}

export interface ObjectPlan {
  model: ModelMeta;
  fields: Array<{ key: string; plan: FieldPlan }>;
}

export type FieldPlan =
  | { kind: "typename"; value: string }
  | { kind: "globalId"; typeName: string; column: string }
  | { kind: "column"; column: string; format: "plain" | "datetime" | "decimal" }
  | { kind: "expression"; sql: CompiledSql }
  | { kind: "relation"; join: Join; list: boolean; field: GraphQLField<unknown, unknown>; node: FieldNode; object: ObjectPlan }
  | { kind: "count"; join: Join; where: unknown }
  | { kind: "connection"; join: Join; field: GraphQLField<unknown, unknown>; node: FieldNode; connection: ConnectionPlan };

/**
 * A computed scalar's SQL twin, declared next to its resolver as `extensions: { compiledSql }`. It must compute
 * exactly what the resolver computes; the differential test holds the two to that.
 */
export type CompiledSql = (sql: { column(name: string): string; param(value: unknown): string; ctx: import("../context.js").Context }) => string;

export type Join = { target: ModelMeta; parentColumn: string; childColumn: string };

export interface ConnectionPlan {
  object: ObjectPlan;
  fields: Array<{ key: string; part: ConnectionPart }>;
}

export type ConnectionPart =
  | { kind: "typename"; value: string }
  | { kind: "totalCount" }
  | { kind: "edges"; fields: Array<{ key: string; part: "cursor" | "node" | "typename"; value?: string }> }
  | { kind: "pageInfo"; fields: Array<{ key: string; name: string }> };

const PLAIN_SCALARS = new Set(["String", "Int", "Boolean", "ID", "EmailAddress", "URL", "PhoneNumber", "JSON"]);
const PAGE_INFO_FIELDS = new Set(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"]);

/** Plans a query operation, or throws NotCompilable naming the first part outside the compilable subset. */
export function planOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationPlan {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== "query") throw new NotCompilable("not a single query operation");
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const planner = new Planner(schema, fragments);
  const query = schema.getQueryType()!;
  planner.requireScopes(query.extensions);
  const roots: OperationPlan["roots"] = [];
  // Root fields Pothos must run are split off when they are plain fields of the operation (no root fragments):
  // the rest still compiles, and the two answers are merged in the operation's key order.
  const splittable = operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && !s.directives?.length);
  const pothos: FieldNode[] = [];
  for (const [key, nodes] of planner.collect(query, [operation.selectionSet])) {
    const rootPlanner = new Planner(schema, fragments);
    try {
      roots.push({ key, plan: planRoot(rootPlanner, schema, query, nodes, fragments) });
      planner.scopes.push(...rootPlanner.scopes);
    } catch (error) {
      if (!(error instanceof NotCompilable) || !splittable) throw error;
      roots.push({ key, plan: { kind: "pothos" } });
      pothos.push(...nodes);
    }
  }
  if (roots.every((r) => r.plan.kind === "pothos" || r.plan.kind === "typename")) throw new NotCompilable("no root field compiles");
  const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(fragments)] };
  const pothosDocument: DocumentNode | undefined = pothos.length
    ? { kind: Kind.DOCUMENT, definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: pothos } }, ...Object.values(fragments)] }
    : undefined;
  return { operation, fragments, document: single, pothosDocument, scopes: planner.scopes, roots };
}

function planRoot(
  planner: Planner,
  schema: GraphQLSchema,
  query: GraphQLObjectType,
  nodes: FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
): RootPlan {
  const name = nodes[0]!.name.value;
  if (name === "__typename") return { kind: "typename", value: query.name };
  const field = query.getFields()[name];
  if (field && name === "node" && getNamedType(field.type)?.name === "Node") {
    planner.requireScopes(field.extensions);
    return { kind: "node", field, node: nodes[0]!, byType: new NodePlans(schema, nodes, fragments) };
  }
  const spec = field && rootListSpec(field);
  if (!field || !spec) throw new NotCompilable(`Query.${name}`);
  planner.requireScopes(field.extensions);
  const model = modelMeta(spec.model);
  if (!model?.tenant) throw new NotCompilable(`model ${spec.model}`);
  return { kind: "list", field, node: nodes[0]!, spec, connection: planner.connection(field, nodes, model) };
}

class Planner {
  readonly scopes: string[][] = [];
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    /** Below a concrete field every fragment must match its type; under node(id:) others simply do not apply. */
    private readonly concreteTypesOnly = true,
  ) {}

  /** graphql-js field collection for one concrete type: fragments inlined, same response keys merged in order. */
  collect(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const visit = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (selection.directives?.length) throw new NotCompilable("directives");
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
          continue;
        }
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments[selection.name.value] : selection;
        if (!fragment) throw new NotCompilable("unknown fragment");
        if (fragment.directives?.length) throw new NotCompilable("directives");
        const condition = fragment.typeCondition?.name.value;
        if (!condition || condition === type.name || type.getInterfaces().some((i) => i.name === condition)) visit(fragment.selectionSet);
        // `... on Task` inside node(id:) of a Client does not apply to this row; anything else is not compiled.
        else if (!this.concreteTypesOnly && isObjectType(this.schema.getType(condition))) continue;
        else throw new NotCompilable("fragment on another type");
      }
    };
    for (const set of sets) visit(set);
    return fields;
  }

  requireScopes(extensions: Readonly<Record<string, unknown>> | null | undefined) {
    const options = (extensions as { pothosOptions?: Record<string, unknown> } | undefined)?.pothosOptions;
    if (!options) return;
    for (const key of ["grantScopes", "skipTypeScopes", "skipInterfaceScopes"]) {
      if (options[key] !== undefined) throw new NotCompilable(key);
    }
    const scopes = options.authScopes;
    if (scopes === undefined) return;
    if (typeof scopes !== "object" || scopes === null) throw new NotCompilable("dynamic authScopes");
    const names = Object.entries(scopes).map(([name, value]) => {
      if (value !== true || name.startsWith("$")) throw new NotCompilable("dynamic authScopes");
      return name;
    });
    this.scopes.push(names);
  }

  object(type: GraphQLObjectType, nodes: readonly FieldNode[], model: ModelMeta): ObjectPlan {
    const typeModel = (type.extensions as { pothosPrismaModel?: string }).pothosPrismaModel;
    if (typeModel !== model.name) throw new NotCompilable(`${type.name} is not a ${model.name} object`);
    this.requireScopes(type.extensions);
    const sets = nodes.map((n) => n.selectionSet!).filter(Boolean);
    const fields: ObjectPlan["fields"] = [];
    for (const [key, fieldNodes] of this.collect(type, sets)) {
      fields.push({ key, plan: this.field(type, fieldNodes, model) });
    }
    return { model, fields };
  }

  private field(type: GraphQLObjectType, nodes: FieldNode[], model: ModelMeta): FieldPlan {
    const name = nodes[0]!.name.value;
    if (name === "__typename") return { kind: "typename", value: type.name };
    const field = type.getFields()[name];
    if (!field) throw new NotCompilable(`${type.name}.${name}`);
    const ext = field.extensions as Record<string, any>;
    if (ext.compiledRead === false) throw new NotCompilable(`${type.name}.${name} opts out`);
    this.requireScopes(ext);
    const named = getNamedType(field.type);

    // A tenant node's Relay id (tenantNode marks the column it encodes).
    if (typeof ext.globalIdColumn === "string") {
      if (ext.globalIdColumn !== idColumn(model)) throw new NotCompilable(`${model.name} node id is not its primary key`);
      return { kind: "globalId", typeName: type.name, column: ext.globalIdColumn };
    }
    if (typeof ext.compiledSql === "function" && !field.args.length && (isScalarType(named) || isEnumType(named))) {
      return { kind: "expression", sql: ext.compiledSql as CompiledSql };
    }
    if (typeof ext.pothosExposedField === "string") {
      if (field.args.length) throw new NotCompilable("exposed field with arguments");
      return { kind: "column", column: ext.pothosExposedField, format: columnFormat(model, ext.pothosExposedField, named!) };
    }
    const relationField = ext.pothosPrismaRelationField as { name: string } | undefined;
    if (relationField && isObjectType(named)) {
      const join = relationJoin(model, relationField.name);
      if (!join?.target.tenant) throw new NotCompilable(`relation ${model.name}.${relationField.name}`);
      if (named.getFields().edges && named.getFields().pageInfo) {
        return { kind: "connection", join, field, node: nodes[0]!, connection: this.connection(field, nodes, join.target) };
      }
      const list = isListType(getNullableType(field.type));
      if (list && field.args.length) throw new NotCompilable("list relation with arguments");
      return { kind: "relation", join, list, field, node: nodes[0]!, object: this.object(named, nodes, join.target) };
    }
    const count = relationCountOf(ext);
    if (count && named.name === "Int" && !field.args.length) {
      const join = relationJoin(model, count.relation);
      if (!join?.target.tenant) throw new NotCompilable(`count of ${model.name}.${count.relation}`);
      return { kind: "count", join, where: count.where };
    }
    throw new NotCompilable(`${type.name}.${name} has its own resolver`);
  }

  connection(field: GraphQLField<unknown, unknown>, nodes: readonly FieldNode[], model: ModelMeta): ConnectionPlan {
    const type = getNamedType(field.type) as GraphQLObjectType;
    const edgeType = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
    const nodeType = getNamedType(edgeType.getFields().node!.type);
    if (!isObjectType(nodeType)) throw new NotCompilable("connection of an abstract type");
    const sets = nodes.map((n) => n.selectionSet!).filter(Boolean);
    const parts: ConnectionPlan["fields"] = [];
    const nodeSelections: FieldNode[] = [];
    for (const [key, fieldNodes] of this.collect(type, sets)) {
      const name = fieldNodes[0]!.name.value;
      if (name === "__typename") parts.push({ key, part: { kind: "typename", value: type.name } });
      else if (name === "totalCount" && (type.getFields().totalCount?.extensions as Record<string, unknown>)?.pothosPrismaTotalCount) parts.push({ key, part: { kind: "totalCount" } });
      else if (name === "pageInfo") {
        const pageInfo = getNamedType(type.getFields().pageInfo!.type) as GraphQLObjectType;
        const fields = [...this.collect(pageInfo, fieldNodes.map((n) => n.selectionSet!).filter(Boolean))].map(([k, n]) => ({ key: k, name: n[0]!.name.value }));
        if (fields.some((f) => !PAGE_INFO_FIELDS.has(f.name))) throw new NotCompilable("pageInfo field");
        parts.push({ key, part: { kind: "pageInfo", fields } });
      } else if (name === "edges") {
        const fields: Array<{ key: string; part: "cursor" | "node" | "typename"; value?: string }> = [];
        for (const [k, edgeNodes] of this.collect(edgeType, fieldNodes.map((n) => n.selectionSet!).filter(Boolean))) {
          const edgeField = edgeNodes[0]!.name.value;
          if (edgeField === "__typename") fields.push({ key: k, part: "typename", value: edgeType.name });
          else if (edgeField === "cursor") fields.push({ key: k, part: "cursor" });
          else if (edgeField === "node") {
            fields.push({ key: k, part: "node" });
            nodeSelections.push(...edgeNodes);
          } else throw new NotCompilable(`edge field ${edgeField}`);
        }
        parts.push({ key, part: { kind: "edges", fields } });
      } else throw new NotCompilable(`connection field ${name}`);
    }
    // One node plan serves every `edges { node }` of this connection: validation guarantees they merge.
    return { object: this.object(nodeType, nodeSelections, model), fields: parts };
  }
}

function columnFormat(model: ModelMeta, column: string, type: NonNullable<ReturnType<typeof getNamedType>>): "plain" | "datetime" | "decimal" {
  const meta = model.fields.get(column);
  if (!meta || meta.kind === "object") throw new NotCompilable(`column ${model.name}.${column}`);
  if (type.name === "DateTime" && meta.type === "DateTime" && !meta.isList) return "datetime";
  if (type.name === "Decimal" && meta.type === "Decimal" && !meta.isList) return "decimal";
  if (isEnumType(type) && meta.kind === "enum" && sameNamedValues(type)) return "plain";
  if (isScalarType(type) && PLAIN_SCALARS.has(type.name) && meta.type !== "DateTime" && meta.type !== "Decimal" && meta.type !== "Float" && meta.type !== "BigInt") {
    return "plain";
  }
  throw new NotCompilable(`column ${model.name}.${column} as ${type.name}`);
}

function sameNamedValues(type: GraphQLEnumType): boolean {
  return type.getValues().every((v) => v.value === v.name);
}

/** `t.relationCount(name, { where })` stores `select: { _count: { select: { [name]: true | { where } } } }`. */
function relationCountOf(ext: Record<string, any>): { relation: string; where: unknown } | undefined {
  const select = ext.pothosPrismaSelect;
  if (!select || typeof select !== "object" || select !== ext.pothosOptions?.select) return undefined;
  const keys = Object.keys(select);
  const counted = select._count?.select;
  if (keys.length !== 1 || !counted || Object.keys(counted).length !== 1) return undefined;
  const [relation, spec] = Object.entries(counted)[0]!;
  if (spec === true) return { relation, where: undefined };
  if (spec && typeof spec === "object" && Object.keys(spec).every((k) => k === "where")) return { relation, where: (spec as { where?: unknown }).where };
  return undefined;
}
