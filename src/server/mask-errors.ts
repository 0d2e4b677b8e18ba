import { GraphQLError } from "graphql";
import { maskError as defaultMaskError } from "graphql-yoga";
import { requestScope, type Logger } from "../observability/logger.js";

/**
 * Expected errors are GraphQLErrors or typed results and pass through; anything else (database, bugs) becomes
 * "Unexpected error." for the client, logged in full for operators, and carries the request id to join the two.
 */
export function maskUnexpectedErrors(log: Logger, production: boolean) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const original = (error as { originalError?: unknown }).originalError ?? error;
    const masked = defaultMaskError(error, message, isDev && !production);
    if (original instanceof GraphQLError) return masked;
    log.error({ err: original }, "unexpected error (masked)");
    const requestId = requestScope.getStore()?.requestId;
    if (!requestId || !(masked instanceof GraphQLError)) return masked;
    return new GraphQLError(masked.message, {
      nodes: masked.nodes,
      path: masked.path,
      extensions: { ...masked.extensions, code: "INTERNAL_SERVER_ERROR", requestId },
    });
  };
}
