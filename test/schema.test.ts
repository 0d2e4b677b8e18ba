import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSchema } from "../src/scripts/print-schema.js";

describe("schema.graphql", () => {
  it("is up to date with the Pothos schema (run `npm run schema:print`)", () => {
    const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(renderSchema());
  });
});
