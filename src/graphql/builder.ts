import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { GraphQLError } from "graphql";
import type { AuthedContext, Context } from "../context.js";
import { getDatamodel, type default as PrismaTypes } from "../generated/pothos-types.js";
import type { Prisma } from "../generated/prisma/client.js";
import { ForbiddenError } from "./errors.js";
import { fieldComplexity } from "./complexity.js";
import { decodeId, encodeId } from "./global-id.js";

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  AuthScopes: { authenticated: boolean; headOfSales: boolean; admin: boolean };
  AuthContexts: { authenticated: AuthedContext; headOfSales: AuthedContext; admin: AuthedContext };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    EmailAddress: { Input: string; Output: string };
    URL: { Input: string; Output: string };
    PhoneNumber: { Input: string; Output: string };
    Decimal: { Input: string; Output: Prisma.Decimal | string };
    JSON: { Input: unknown; Output: unknown };
    File: { Input: File; Output: never };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ErrorsPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  errors: {
    defaultTypes: [],
    defaultResultOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Payload`, description: "What a mutation returns when it succeeded" },
    defaultUnionOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Result`,
      description: "A mutation's outcome: its payload, or one of the typed errors it can return (all implement Error)",
    },
  },
  scopeAuth: {
    // Type scopes run once when an object is resolved, not as a wrapper around each of its fields.
    runScopesOnType: true,
    // Subscriptions are authorized when made (an anonymous one is 401, a manager's taskEscalated is refused
    // at once), not on every event they would deliver.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      headOfSales: ctx.viewer?.role === "HEAD_OF_SALES" || ctx.viewer?.role === "ADMIN",
      admin: ctx.viewer?.role === "ADMIN",
    }),
    // Unauthenticated callers get a top-level error; authenticated ones without the role get a typed Forbidden.
    unauthorizedError: (_parent, ctx) =>
      ctx.viewer
        ? new ForbiddenError("Your role does not allow this operation")
        : new GraphQLError("Authentication required", { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } }),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    maxConnectionSize: 100,
    defaultConnectionSize: 20,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    encodeGlobalID: encodeId,
    decodeGlobalID: decodeId,
    nodeQueryOptions: { authScopes: { authenticated: true }, description: "Refetches any object by its global id; another organization's id reads as null" },
    nodesQueryOptions: { authScopes: { authenticated: true }, description: "Refetches objects by global ids, in order; unknown or foreign ids read as null" },
    // Relay's generated types and arguments, described once for every connection.
    nodeTypeOptions: { description: "An object with a global id that `node(id:)` refetches" },
    idFieldOptions: { description: "Global id: identifies this object across all types" },
    pageInfoTypeOptions: { description: "Where a page sits in its list, for cursor paging" },
    defaultConnectionTypeOptions: { description: "A page of a list, with cursors to page on" },
    defaultEdgeTypeOptions: { description: "One item of a page, with its cursor" },
    cursorFieldOptions: { description: "Pass as `after` (or `before`) to page from this item" },
    nodeFieldOptions: { description: "The item" },
    edgesFieldOptions: { description: "The items of this page, in order" },
    pageInfoFieldOptions: { description: "Paging state of this page" },
    hasNextPageFieldOptions: { description: "More items follow (page on with `after: endCursor`)" },
    hasPreviousPageFieldOptions: { description: "Items precede this page" },
    startCursorFieldOptions: { description: "Cursor of the first item of the page" },
    endCursorFieldOptions: { description: "Cursor of the last item of the page" },
    firstArgOptions: { description: "Page size from the start or `after` (at most 100; default 20)" },
    lastArgOptions: { description: "Page size from the end or `before` (at most 100)" },
    afterArgOptions: { description: "Cursor to page forward from" },
    beforeArgOptions: { description: "Cursor to page backward from" },
  },
  // Pothos computes the cost of each field; src/limits/query-cost.ts enforces the limits once, before execution.
  complexity: { fieldComplexity: fieldComplexity as never },
});

builder.queryType({ authScopes: { authenticated: true } });
builder.mutationType({ authScopes: { authenticated: true } });
builder.subscriptionType({ authScopes: { authenticated: true } });
