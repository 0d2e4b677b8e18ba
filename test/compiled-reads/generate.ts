import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";

/** Deterministic PRNG (mulberry32), so a failing seed reproduces. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Pools {
  /** Values for arguments, by argument name (ids of this and another organization, malformed ones, cursors…). */
  cursors: string[];
  clientFilters: unknown[];
  taskFilters: unknown[];
  searches: string[];
  reactivationFilters: unknown[];
}

type Rand = () => number;

/**
 * Random selections over the schema, starting at the root lists: every scalar, relation and connection of the
 * node types is a candidate, so the generator reaches both what compiles and what falls back.
 */
export function generateQuery(schema: GraphQLSchema, rand: Rand, pools: Pools): { query: string; variables: Record<string, unknown> } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const fragments: string[] = [];
  let counter = 0;

  const pageArgs = (): string[] => {
    const args: string[] = [];
    if (rand() < 0.7) {
      const first = pick([0, 1, 2, 3, 5, 8, 150]);
      if (rand() < 0.5) {
        const name = `first${++counter}`;
        definitions.push(`$${name}: Int`);
        variables[name] = first;
        args.push(`first: $${name}`);
      } else args.push(`first: ${first}`);
    }
    if (rand() < 0.35) {
      const name = `after${++counter}`;
      definitions.push(`$${name}: String`);
      variables[name] = pick(pools.cursors);
      args.push(`after: $${name}`);
    }
    return args;
  };

  const selection = (type: GraphQLObjectType, depth: number): string => {
    const fields = Object.values(type.getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined));
    const chosen: string[] = [];
    for (const field of fields) {
      if (rand() > (depth === 0 ? 0.55 : 0.4)) continue;
      const text = fieldText(field, depth);
      if (text) chosen.push(rand() < 0.15 ? `a${++counter}: ${text}` : text);
    }
    if (rand() < 0.2) chosen.push("__typename");
    if (!chosen.length) chosen.push("id" in type.getFields() ? "id" : "__typename");
    if (rand() < 0.15) {
      const name = `F${++counter}`;
      fragments.push(`fragment ${name} on ${type.name} { ${chosen.join(" ")} }`);
      return `...${name}`;
    }
    if (rand() < 0.1) return `... on ${type.name} { ${chosen.join(" ")} }`;
    return chosen.join(" ");
  };

  const fieldText = (field: GraphQLField<unknown, unknown>, depth: number): string | undefined => {
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) return field.name;
    if (!isObjectType(named) || depth >= 3) return undefined;
    if (named.getFields().edges && named.getFields().pageInfo) return connectionText(field, named, depth);
    if (isListType(getNullableType(field.type)) && !(named.extensions as { pothosPrismaModel?: string }).pothosPrismaModel) return undefined;
    if (named.getFields().edges) return undefined;
    return `${field.name} { ${selection(named, depth + 1)} }`;
  };

  const connectionText = (field: GraphQLField<unknown, unknown>, type: GraphQLObjectType, depth: number, extraArgs: string[] = []): string => {
    const args = [...extraArgs, ...pageArgs()];
    for (const arg of field.args) {
      if (["first", "after", "last", "before"].includes(arg.name) || extraArgs.some((a) => a.startsWith(`${arg.name}:`))) continue;
      if (getNamedType(arg.type).name === "Boolean" && rand() < 0.5) args.push(`${arg.name}: ${pick(["true", "false", "null"])}`);
      else if (isEnumType(getNamedType(arg.type)) && rand() < 0.5) args.push(`${arg.name}: ${pick(getNamedType(arg.type) ? (getNamedType(arg.type) as any).getValues().map((v: { name: string }) => v.name) : [])}`);
    }
    const parts: string[] = [];
    if (rand() < 0.4) parts.push("totalCount");
    if (rand() < 0.4) parts.push(`pageInfo { ${["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"].filter(() => rand() < 0.6).join(" ") || "hasNextPage"} }`);
    const edgeType = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
    const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLObjectType;
    if (rand() < 0.9 || !parts.length) parts.push(`edges { ${rand() < 0.4 ? "cursor " : ""}node { ${selection(nodeType, depth + 1)} } }`);
    if (rand() < 0.1) parts.push("__typename");
    return `${field.name}${args.length ? `(${args.join(", ")})` : ""} { ${parts.join(" ")} }`;
  };

  const query = schema.getQueryType()!;
  const roots: string[] = [];
  const rootCount = rand() < 0.8 ? 1 : 2;
  for (let i = 0; i < rootCount; i++) {
    const root = pick(["clients", "tasks", "myTasks", "contacts", "users", "reactivationEntries"] as const);
    const field = query.getFields()[root]!;
    const type = getNamedType(field.type) as GraphQLObjectType;
    const extra: string[] = [];
    const v = (name: string, typeName: string, value: unknown) => {
      const varName = `${name}${++counter}`;
      definitions.push(`$${varName}: ${typeName}`);
      variables[varName] = value;
      return `${name}: $${varName}`;
    };
    if (root === "clients") {
      if (rand() < 0.5) extra.push(v("filter", "ClientFilter", pick(pools.clientFilters)));
      if (rand() < 0.5) extra.push(v("orderBy", "ClientOrder", { field: pick(["NAME", "CREATED_AT", "UPDATED_AT", "STAGE_ENTERED_AT"]), direction: pick(["ASC", "DESC"]) }));
    } else if (root === "tasks") {
      if (rand() < 0.6) extra.push(v("filter", "TaskFilter", pick(pools.taskFilters)));
      if (rand() < 0.5) extra.push(`orderBy: { field: ${pick(["DUE_AT", "CREATED_AT"])}, direction: ${pick(["ASC", "DESC"])} }`);
    } else if (root === "myTasks") {
      extra.push(`scope: ${pick(["TODAY", "OVERDUE", "UPCOMING"])}`);
    } else if (root === "users") {
      if (rand() < 0.5) extra.push(`role: ${pick(["ADMIN", "HEAD_OF_SALES", "MANAGER"])}`);
    } else if (root === "reactivationEntries") {
      if (rand() < 0.6) extra.push(v("filter", "ReactivationFilter", pick(pools.reactivationFilters)));
    } else if (rand() < 0.5) {
      extra.push(v("search", "String", pick(pools.searches)));
    }
    const text = connectionText(field, type, 0, extra);
    roots.push(i > 0 ? `r${i}: ${text}` : text);
  }
  // Root fields that only Pothos answers, beside the compiled ones: the operation is split and merged.
  if (rand() < 0.3) roots.splice(Math.floor(rand() * (roots.length + 1)), 0, pick(["me { id name role }", "organization { name timezone }", "pipelines { name }"]));
  const header = definitions.length ? `(${definitions.join(", ")})` : "";
  return { query: `query Generated${header} { ${roots.join(" ")} }\n${fragments.join("\n")}`, variables };
}
