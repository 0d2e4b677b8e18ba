/**
 * A start-up failure a person can fix (bad environment, port in use, database unreachable, database locked,
 * Node too old). main.ts prints its message alone, without a stack trace, and exits with status 1.
 */
export class StartupError extends Error {}
