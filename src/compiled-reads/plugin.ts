import { getVariableValues } from "graphql/execution/values.js";
import { GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { isTransientDatabaseError } from "../db/transient-errors.js";
import { NotCompilable } from "./sql.js";
import { planOperation, scopesAllow, type OperationPlan } from "./plan.js";
import { renderOperation, type PageLimits } from "./render.js";

export interface CompiledReadOptions {
  limits: PageLimits;
  /** The Pothos scope-auth loader, so scopes mean exactly what they mean on the Pothos path. */
  scopesFor(ctx: Context): Record<string, boolean>;
  onResult(path: "compiled" | "fallback"): void;
  /** Run Pothos as well and answer an error when the results differ: every query of the test suite is a check. */
  verify?: boolean;
}

/**
 * Runs queries made only of plain fields as one SQL statement that builds the response JSON, and everything else
 * through normal Pothos execution. Plans are cached per parsed document (Yoga caches the parse). Must be the last
 * plugin, so every check before execution (rate limits, subscription limits) has already run.
 */
export function useCompiledReads(options: CompiledReadOptions): Plugin<Context> {
  const plans = new WeakMap<DocumentNode, Map<string, OperationPlan | null>>();

  const planFor = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined) => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    const key = operationName ?? "";
    if (!byName.has(key)) {
      try {
        byName.set(key, planOperation(schema, document, operationName));
      } catch (error) {
        if (!(error instanceof NotCompilable)) throw error;
        byName.set(key, null);
      }
    }
    return byName.get(key)!;
  };

  const tryCompiled = async (args: ExecutionArgs): Promise<{ plan: OperationPlan; result: ExecutionResult } | undefined> => {
    const ctx = args.contextValue as Context;
    if (!ctx.viewer) return undefined; // the Pothos path answers UNAUTHENTICATED
    const plan = planFor(args.schema, args.document, args.operationName);
    if (!plan) return undefined;
    const scopes = options.scopesFor(ctx);
    if (!scopesAllow(plan.scopes, scopes)) return undefined;
    const coerced = getVariableValues(args.schema, plan.operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
    if (coerced.errors) return undefined;
    let statement: { sql: string; params: unknown[] };
    try {
      statement = await renderOperation(plan, coerced.coerced, ctx, options.limits, scopes, args.schema);
    } catch (error) {
      // A filter that throws (a malformed id…) is reported by the Pothos path, typed, like any other input error.
      ctx.log.debug({ reason: String(error) }, "compiled read declined at run time");
      return undefined;
    }
    try {
      const rows = await ctx.sql.query<{ data: Record<string, unknown> }>(statement.sql, statement.params, { prepare: true });
      return { plan, result: { data: rows[0]!.data } };
    } catch (error) {
      // The database away for a moment: Pothos tries again and, if it is still away, answers 503 as it always does.
      if (isTransientDatabaseError(error)) return undefined;
      if (options.verify) throw error;
      // A statement the compiler got wrong is a bug to fix, not the caller's problem: answer through Pothos.
      ctx.log.error({ err: error, sql: statement.sql }, "compiled read failed; answered through Pothos");
      return undefined;
    }
  };

  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (executionArgs) => {
        const compiled = await tryCompiled(executionArgs);
        options.onResult(compiled ? "compiled" : "fallback");
        if (!compiled) return executeFn(executionArgs);
        const result = compiled.plan.pothosDocument
          ? merge(compiled.plan, compiled.result, (await executeFn({ ...executionArgs, document: compiled.plan.pothosDocument })) as ExecutionResult)
          : compiled.result;
        if (options.verify) return verified(result, (await executeFn(executionArgs)) as ExecutionResult, executionArgs);
        return result;
      });
    },
  };
}

/** The compiled root fields and the ones Pothos ran, in the operation's key order; Pothos' errors keep their paths. */
function merge(plan: OperationPlan, compiled: ExecutionResult, pothos: ExecutionResult): ExecutionResult {
  if (!pothos.data) return pothos; // a non-null root field failed: the whole data is null, as graphql-js would answer
  const data: Record<string, unknown> = {};
  for (const { key, plan: root } of plan.roots) data[key] = root.kind === "pothos" ? pothos.data[key] : compiled.data![key];
  return pothos.errors ? { errors: pothos.errors, data } : { data };
}

function verified(compiled: ExecutionResult, reference: ExecutionResult, args: ExecutionArgs): ExecutionResult {
  // The database went away between the two runs: nothing to compare, answer as Pothos did (503, retryable).
  if (reference.errors?.some((e) => isTransientDatabaseError(e.originalError ?? e))) return reference;
  const canonical = (r: ExecutionResult) => JSON.stringify({ data: r.data, ...(r.errors ? { errors: r.errors } : {}) });
  const a = canonical(compiled);
  const b = canonical(reference);
  if (a === b) return compiled;
  (args.contextValue as Context).log.error({ compiled: a, pothos: b }, "compiled read differs from Pothos");
  return { errors: [new GraphQLError("Compiled read differs from Pothos", { extensions: { code: "COMPILED_READ_MISMATCH", compiled: a, pothos: b } })] };
}
