// GraphQL Code Generator: typed operations for the README's examples, from the committed schema.graphql.
// `npm run codegen` regenerates them; CI checks they are current and type-checks them.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: "examples/readme/operations.graphql",
  generates: {
    "examples/readme/operations.ts": {
      plugins: ["typescript-operations"],
      config: {
        scalars: { DateTime: "string", Decimal: "string", EmailAddress: "string", JSON: "unknown", PhoneNumber: "string", URL: "string" },
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
