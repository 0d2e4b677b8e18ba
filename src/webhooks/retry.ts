/**
 * When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h — about a day in
 * all — each spread by ±20% so a receiver coming back is not hit by every instance at once. After the last, the
 * delivery is dead-lettered (an admin can redeliver it).
 */
const SCHEDULE_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800];

export const MAX_ATTEMPTS = SCHEDULE_SECONDS.length + 1;

/** Milliseconds until the next attempt after `attempts` failed ones, or null when the delivery should die. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number | null {
  const base = SCHEDULE_SECONDS[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

/** An endpoint whose every attempt has failed for this long is disabled (its deliveries wait, nothing is lost). */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
