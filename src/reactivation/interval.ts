/** Purchase-interval math. Pure: the SQL sweep implements the same rules set-based; tests pin both to these. */

const DAY_MS = 86_400_000;

/**
 * Mean gap between consecutive purchases, in days. The consecutive gaps telescope, so the mean is
 * (last − first) / (n − 1); undefined with fewer than 2 purchases.
 */
export function meanGapDays(purchases: Date[]): number | undefined {
  if (purchases.length < 2) return undefined;
  const times = purchases.map((d) => d.getTime()).sort((a, b) => a - b);
  return (times[times.length - 1]! - times[0]!) / DAY_MS / (times.length - 1);
}

/** The organization average: mean of the per-client mean gaps of clients with at least 2 purchases. */
export function organizationAverageDays(perClientPurchases: Date[][]): number | undefined {
  const gaps = perClientPurchases.map(meanGapDays).filter((g): g is number => g !== undefined);
  return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : undefined;
}

export interface IntervalPolicy {
  /** A fixed period for the whole organization ("cars ≈ 7 years") overrides the computed intervals. */
  fixedPeriodDays?: number | null;
  organizationAverageDays?: number | null;
}

export function expectedIntervalDays(purchases: Date[], policy: IntervalPolicy): number | undefined {
  if (policy.fixedPeriodDays) return policy.fixedPeriodDays;
  return meanGapDays(purchases) ?? policy.organizationAverageDays ?? undefined;
}

export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / DAY_MS;
}

/** Due for reactivation: time since the last purchase exceeds the expected interval × factor. */
export function needsReactivation(purchases: Date[], now: Date, policy: IntervalPolicy & { factor: number }): boolean {
  if (purchases.length === 0) return false;
  const expected = expectedIntervalDays(purchases, policy);
  if (expected === undefined) return false;
  const last = new Date(Math.max(...purchases.map((d) => d.getTime())));
  return daysBetween(last, now) > expected * policy.factor;
}
