import type { Limits } from "../config.js";
import type { RateRule } from "./rate-limiter.js";

export type RateBucket = "auth" | "loginEmail" | "expensive";

/**
 * Root fields that cost a lot (password hashing, whole-organization scans) and so are rate limited,
 * per signed-in user, or per client address for anonymous callers. Everything else is bounded by
 * depth/cost/alias limits instead.
 */
export const RATE_LIMITED_FIELDS: Readonly<Record<string, RateBucket>> = {
  "Mutation.login": "auth",
  "Mutation.signUp": "auth",
  "Mutation.recalculateAbc": "expensive",
  "Mutation.runReactivationSweep": "expensive",
  "Query.abcHistory": "expensive",
  "Query.channelPerformance": "expensive",
  "Query.funnel": "expensive",
  "Query.managerDiscipline": "expensive",
  "Query.reactivationOutcomes": "expensive",
};

const MINUTE = 60_000;

export function rateRule(bucket: RateBucket, limits: Limits): RateRule {
  switch (bucket) {
    case "auth":
    case "loginEmail": // guessing one account's password from many addresses
      return { limit: limits.loginPerMinute, windowMs: MINUTE };
    case "expensive":
      return { limit: limits.expensivePerMinute, windowMs: MINUTE };
  }
}
