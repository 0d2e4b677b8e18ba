import type { Context } from "../context.js";

/**
 * Options every tenant-owned prismaNode shares: `node(id:)` only finds rows of the caller's organization,
 * so a foreign id reads exactly like a missing one (null), and anonymous callers get nothing.
 */
export const tenantNode = {
  // The extension tells the compiled read path (src/compiled-reads) which column the global id encodes.
  id: { field: "id", extensions: { globalIdColumn: "id" } },
  nullable: true,
  findUnique: (id: string, ctx: Context) => ({ id, organizationId: ctx.viewer?.organizationId ?? "" }),
  authScopes: { authenticated: true },
} as const;
