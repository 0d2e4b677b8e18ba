// Prisma CLI config: runs migrations through the WASM schema engine and a driver adapter,
// because these machines cannot download Prisma's native engines (see ../shared/PRISMA.md).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { resolveDatabase, DEFAULT_DATABASE_URL } from "./src/db/database-url.js";

process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;
const target = resolveDatabase(process.env.DATABASE_URL);
if (target.kind === "pglite") process.env.PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK = "1";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    if (target.kind === "pglite") {
      const { PGlite } = await import("@electric-sql/pglite");
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      return new PrismaPGlite(new PGlite(target.dataDir)) as never;
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: target.url });
  },
});
