import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Packages used without an import: CLIs and generated code. */
const USED_WITHOUT_IMPORT: Record<string, string> = {
  tsx: "runs the TypeScript sources (npm start, scripts)",
  prisma: "the CLI: prisma generate on install",
  "@prisma/client": "runtime of the generated client in src/generated",
  typescript: "tsc: type-check and build",
  "@types/node": "types for node: imports (tsconfig types)",
  eslint: "the CLI behind npm run lint:schema",
  "@graphql-codegen/typescript-operations": "a plugin codegen.ts names",
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules" || name === "generated" || name === "peers") return [];
    return statSync(full).isDirectory() ? sources(full) : /\.(ts|mts)$/.test(name) ? [full] : [];
  });
}

describe("dependencies", () => {
  it("every declared package is imported somewhere (or is a CLI / runtime listed above)", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    const code = [...sources("src"), ...sources("test"), ...sources("bench"), "prisma.config.ts", "vitest.config.ts", "codegen.ts", "eslint.config.mjs"].map((f) => readFileSync(f, "utf8")).join("\n");
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    const unused = declared.filter((name) => {
      if (USED_WITHOUT_IMPORT[name]) return false;
      const imported = name.startsWith("@types/") ? name.slice("@types/".length).replace("__", "/") : name;
      return !new RegExp(`from "${imported}(/[^"]*)?"|import\\("${imported}(/[^"]*)?"\\)`).test(code);
    });
    expect(unused).toEqual([]);
  });
});
