import { GraphQLError } from "graphql";

/**
 * A top-level error (not a typed mutation result): the operation did not run at all, and HTTP clients and
 * proxies understand 429 + Retry-After without knowing our schema.
 */
export class RateLimitedError extends GraphQLError {
  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`Too many requests: try again in ${retryAfterSeconds} s`, {
      extensions: {
        code: "RATE_LIMITED",
        retryAfterSeconds,
        http: { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
      },
    });
  }
}

export class SubscriptionLimitError extends GraphQLError {
  constructor(limit: number) {
    super(`Too many live subscriptions: at most ${limit} per user; complete one first`, {
      extensions: { code: "SUBSCRIPTION_LIMIT" },
    });
  }
}
