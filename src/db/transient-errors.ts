/**
 * Errors that mean "the database is unreachable right now" rather than "this request is wrong" or "a bug":
 * connection exceptions (SQLSTATE class 08), server shutdown or restart (57P01–57P03), too many connections,
 * and the pool failing to connect. Clients can retry these; nothing else is worth retrying.
 */
const TRANSIENT_CODES = new Set(["57P01", "57P02", "57P03", "53300"]);
const TRANSIENT_MESSAGES = /connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|Can't reach database/i;

export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
    const code = typeof e.code === "string" ? e.code : undefined;
    if (code && (TRANSIENT_CODES.has(code) || code.startsWith("08"))) return true;
    if (typeof e.message === "string" && TRANSIENT_MESSAGES.test(e.message)) return true;
    current = e.cause ?? e.originalError;
  }
  return false;
}
