import type { GraphQLField } from "graphql";
import type { Context } from "../context.js";
import { selection } from "../shared/selection.js";

type MaybePromise<T> = T | Promise<T>;

/**
 * A root list of one model, declared once: the Pothos resolver, its totalCount and the compiled read path all
 * take their filter and order from these two functions, so the two paths cannot disagree about what a list holds.
 * The where must start from the caller's organization.
 */
export interface RootListSpec<Args = any> {
  /** The Prisma model name, e.g. "Client". */
  model: string;
  /** A Prisma WhereInput; the compiler translates the subset it knows (sql.ts) and declines the rest. */
  where(args: Args, ctx: Context): MaybePromise<object>;
  /** Prisma orderBy entries, ending with the cursor column `id`. */
  orderBy(args: Args, ctx: Context): object[];
}

type Delegate = { findMany(args: object): Promise<any[]>; count(args: object): Promise<number> };

/** Spread into `t.prismaConnection({ type, cursor: "id", args, ...rootList(spec) })`. */
export function rootList<Args>(spec: RootListSpec<Args>) {
  const delegate = (ctx: Context) => (ctx.prisma as unknown as Record<string, Delegate>)[spec.model[0]!.toLowerCase() + spec.model.slice(1)]!;
  return {
    extensions: { compiledRead: spec },
    totalCount: async (_connection: unknown, args: Args, ctx: Context) => delegate(ctx).count({ where: await spec.where(args, ctx) }),
    resolve: async (query: object, _parent: unknown, args: Args, ctx: Context) =>
      delegate(ctx).findMany({ ...selection(query), where: await spec.where(args, ctx), orderBy: spec.orderBy(args, ctx) }),
  };
}

export function rootListSpec(field: GraphQLField<unknown, unknown>): RootListSpec | undefined {
  return (field.extensions as { compiledRead?: RootListSpec }).compiledRead;
}
