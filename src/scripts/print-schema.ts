import { writeFileSync } from "node:fs";
import { printSchema, lexicographicSortSchema } from "graphql";
import { schema } from "../schema.js";

/** Writes schema.graphql from the Pothos schema; test/schema.test.ts fails when the committed file is stale. */
export function renderSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL("../../schema.graphql", import.meta.url), renderSchema());
  console.log("schema.graphql written");
}
