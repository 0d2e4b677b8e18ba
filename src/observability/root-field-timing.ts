import { isPromise } from "node:util/types";
import type { GraphQLSchema } from "graphql";
import type { Context } from "../context.js";

/**
 * Times Query and Mutation root fields only. @envelop/prometheus' resolver timing wraps every field of every
 * response (then drops all but root fields), which cost a wrapper call per field on the hottest path.
 * The label is the schema's field name, so its values are bounded.
 */
export function timeRootFields(schema: GraphQLSchema): void {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const label = { field: `${type.name}.${field.name}` };
      field.resolve = (parent, args, ctx: Context, info) => {
        const end = ctx.metrics.rootFieldDuration.startTimer(label);
        try {
          const result = resolve(parent, args, ctx, info);
          if (isPromise(result)) return result.finally(end);
          end();
          return result;
        } catch (error) {
          end();
          throw error;
        }
      };
    }
  }
}
