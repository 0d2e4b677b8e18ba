// Extracts the README's GraphQL examples into examples/readme/operations.graphql, named so GraphQL Code Generator
// can type them (npm run codegen). A test keeps the file equal to what this prints.
import { readFileSync, writeFileSync } from "node:fs";

export function readmeOperations(readme: string): string {
  const operations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.replace(/#.*$/gm, "").split(/\n(?=query|mutation|subscription)/))
    .map((op) => op.replace(/[ \t]+$/gm, "").trim())
    .filter(Boolean);
  const named = operations.map((op, index) => op.replace(/^(query|mutation|subscription)\s*(?=[({])/, (_m, kind: string) => `${kind} Readme${index + 1} `));
  return `# Generated from README.md by \`npm run codegen\`: do not edit.\n\n${named.join("\n\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = readmeOperations(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));
  writeFileSync(new URL("../../examples/readme/operations.graphql", import.meta.url), text);
  console.log("examples/readme/operations.graphql written");
}
