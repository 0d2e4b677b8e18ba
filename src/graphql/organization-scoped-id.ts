import { authed, type Context } from "../context.js";
import { encodeId } from "./global-id.js";

/**
 * An organization's settings object is one per organization: its id is the type name with the organization's id,
 * stable across reads, so client caches update it in place after a mutation instead of keeping a stale copy.
 */
export const organizationScopedId = (typename: string) => ({
  description: `Stable id of the organization's ${typename}, for client caches`,
  resolve: (_parent: unknown, _args: unknown, ctx: Context) => encodeId(typename, authed(ctx).viewer.organizationId),
});
