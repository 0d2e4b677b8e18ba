import { GraphQLError } from "graphql";
import { maskError as defaultMaskError } from "graphql-yoga";
import { isTransientDatabaseError } from "../db/transient-errors.js";
import { requestScope, type Logger } from "../observability/logger.js";

/**
 * Expected errors are GraphQLErrors or typed results and pass through. A database outage becomes a retryable
 * 503 SERVICE_UNAVAILABLE; anything else (bugs) becomes "Unexpected error.". Both are logged in full for
 * operators and carry the request id that joins the client's report to the log line.
 */
export function maskUnexpectedErrors(log: Logger, production: boolean) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const original = (error as { originalError?: unknown }).originalError ?? error;
    const masked = defaultMaskError(error, message, isDev && !production);
    if (original instanceof GraphQLError || !(masked instanceof GraphQLError)) return masked;
    const requestId = requestScope.getStore()?.requestId;
    const where = { nodes: masked.nodes, path: masked.path };
    if (isTransientDatabaseError(original)) {
      log.warn({ err: original }, "database unavailable");
      return new GraphQLError("The database is unavailable for a moment; retry shortly.", {
        ...where,
        extensions: { code: "SERVICE_UNAVAILABLE", requestId, http: { status: 503, headers: { "Retry-After": "1" } } },
      });
    }
    log.error({ err: original }, "unexpected error (masked)");
    return new GraphQLError(masked.message, { ...where, extensions: { ...masked.extensions, code: "INTERNAL_SERVER_ERROR", requestId } });
  };
}
