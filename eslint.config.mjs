// Lints the committed schema (schema.graphql) with graphql-eslint: descriptions everywhere, Relay conventions,
// and one global `id: ID!` on every Node. `npm run lint:schema`; CI runs it.
import { readFileSync } from "node:fs";
import graphqlPlugin from "@graphql-eslint/eslint-plugin";
import { buildSchema, isObjectType } from "graphql";

// strict-id-in-types applies to Node types: value objects (a criterion, a funnel row, a payload) have no identity.
const schema = buildSchema(readFileSync(new URL("./schema.graphql", import.meta.url), "utf8"));
const notNodes = Object.values(schema.getTypeMap())
  .filter((type) => isObjectType(type) && !type.name.startsWith("__") && !type.getInterfaces().some((i) => i.name === "Node"))
  .map((type) => type.name);

export default [
  {
    files: ["schema.graphql"],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: "schema.graphql" } } },
    plugins: { "@graphql-eslint": graphqlPlugin },
    rules: {
      "@graphql-eslint/require-description": ["error", {
        types: true, rootField: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true,
        DirectiveDefinition: true, ScalarTypeDefinition: true,
      }],
      "@graphql-eslint/strict-id-in-types": ["error", { acceptedIdNames: ["id"], acceptedIdTypes: ["ID"], exceptions: { types: notNodes } }],
      "@graphql-eslint/relay-connection-types": "error",
      "@graphql-eslint/relay-edge-types": ["error", { shouldImplementNode: true, withEdgeSuffix: true, listTypeCanWrapOnlyEdgeType: false }],
      "@graphql-eslint/relay-page-info": "error",
      "@graphql-eslint/relay-arguments": ["error", { includeBoth: false }],
    },
  },
];
