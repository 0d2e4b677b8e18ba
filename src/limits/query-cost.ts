import { complexityFromQuery } from "@pothos/plugin-complexity";
import {
  getOperationAST, GraphQLError, Kind, valueFromASTUntyped,
  type DocumentNode, type ExecutionArgs, type FragmentDefinitionNode, type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";

export interface CostLimits {
  maxCost: number;
  maxDepth: number;
  maxBreadth: number;
  /** The largest `first`/`last` a connection serves. */
  maxPageSize: number;
}

export interface QueryCost {
  requested: number;
  limit: number;
  depth: number;
  depthLimit: number;
}

/**
 * The one place the cost, depth and page-size limits are enforced, before anything executes (on both read paths
 * and for subscriptions). Limits are visible rather than silent: a page larger than the maximum is an error, not a
 * clamp; an operation over the limit is refused with a code; and every answer carries its cost in
 * `extensions.cost`, as Shopify's API does, so clients can see how close they are.
 */
export function useQueryCost(limits: CostLimits): Plugin<Context> {
  const measure = (args: ExecutionArgs): { error: GraphQLError } | { cost?: QueryCost } => {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return {};
    const fragments = Object.fromEntries(
      args.document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    const oversized = oversizedPage(operation.selectionSet, fragments, variables, limits.maxPageSize);
    if (oversized) return { error: oversized };
    const single: DocumentNode = { ...args.document, definitions: args.document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation) };
    let measured: { complexity: number; depth: number; breadth: number };
    try {
      measured = complexityFromQuery(single, { schema: args.schema, ctx: args.contextValue as Context, variables });
    } catch {
      return {}; // arguments the calculation cannot read (bad variables): execution reports them, with their paths
    }
    const cost = { requested: measured.complexity, limit: limits.maxCost, depth: measured.depth, depthLimit: limits.maxDepth };
    if (measured.depth > limits.maxDepth) {
      return { error: limitError(`Query exceeds maximum depth (depth: ${measured.depth}, max: ${limits.maxDepth})`, "DEPTH_LIMIT_EXCEEDED", cost) };
    }
    if (measured.complexity > limits.maxCost) {
      return { error: limitError(`Query exceeds maximum complexity (complexity: ${measured.complexity}, max: ${limits.maxCost})`, "COST_LIMIT_EXCEEDED", cost) };
    }
    if (measured.breadth > limits.maxBreadth) {
      return { error: limitError(`Query exceeds maximum breadth (breadth: ${measured.breadth}, max: ${limits.maxBreadth})`, "BREADTH_LIMIT_EXCEEDED", cost) };
    }
    return { cost };
  };

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const measured = measure(args);
      if ("error" in measured) return setResultAndStopExecution({ errors: [measured.error] });
      const { cost } = measured;
      if (!cost) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return; // incremental delivery: nothing to annotate
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const measured = measure(args);
      if ("error" in measured) setResultAndStopExecution({ errors: [measured.error] });
    },
  };
}

function limitError(message: string, code: string, cost: QueryCost) {
  return new GraphQLError(message, { extensions: { code, cost } });
}

/** The first `first`/`last` argument above the maximum, anywhere in the operation (fragments included). */
function oversizedPage(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  max: number,
  seen = new Set<string>(),
): GraphQLError | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      for (const arg of selection.arguments ?? []) {
        if (arg.name.value !== "first" && arg.name.value !== "last") continue;
        const value = valueFromASTUntyped(arg.value, variables);
        if (typeof value === "number" && value > max) {
          return new GraphQLError(`"${arg.name.value}" on ${selection.name.value} must be at most ${max} (got ${value}); page with cursors instead`, {
            nodes: [arg],
            extensions: { code: "PAGE_SIZE_TOO_LARGE", maxPageSize: max },
          });
        }
      }
      if (selection.selectionSet) {
        const found = oversizedPage(selection.selectionSet, fragments, variables, max, seen);
        if (found) return found;
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const found = oversizedPage(selection.selectionSet, fragments, variables, max, seen);
      if (found) return found;
    } else {
      const name = selection.name.value;
      if (seen.has(name) || !fragments[name]) continue;
      seen.add(name);
      const found = oversizedPage(fragments[name].selectionSet, fragments, variables, max, seen);
      if (found) return found;
    }
  }
  return undefined;
}
