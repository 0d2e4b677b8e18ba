/** Follow-up rules, pure: when an event happens at `at`, a task is due `delayMinutes` later. */

export const MINUTE_MS = 60_000;

export function followUpDueAt(at: Date, delayMinutes: number): Date {
  return new Date(at.getTime() + delayMinutes * MINUTE_MS);
}

export interface DefaultRule {
  name: string;
  trigger: "ACTIVITY_LOGGED" | "STAGE_ENTERED" | "ORDER_INVOICED";
  activityType?: "PROPOSAL_SENT";
  taskType: "CALL" | "PAYMENT_CHASE";
  taskTitle: string;
  delayMinutes: number;
  repeatEveryMinutes?: number;
}

const TWO_DAYS = 2 * 24 * 60;

/** From the seed: a proposal sent means a call in 2 days; an invoice means a payment chase every 2 days until paid. */
export const DEFAULT_FOLLOW_UP_RULES: DefaultRule[] = [
  { name: "Call after a proposal", trigger: "ACTIVITY_LOGGED", activityType: "PROPOSAL_SENT", taskType: "CALL", taskTitle: "Call about the proposal", delayMinutes: TWO_DAYS },
  { name: "Chase an unpaid invoice", trigger: "ORDER_INVOICED", taskType: "PAYMENT_CHASE", taskTitle: "Remind about the invoice", delayMinutes: TWO_DAYS, repeatEveryMinutes: TWO_DAYS },
];

/** Start and end of the calendar day containing `now` in an IANA time zone, as UTC instants (DST-safe). */
export function dayBounds(now: Date, timeZone: string): { start: Date; end: Date } {
  const { year, month, day } = localParts(now.getTime(), timeZone);
  return { start: new Date(localMidnight(year, month, day, timeZone)), end: new Date(localMidnight(year, month, day + 1, timeZone)) };
}

function localParts(instant: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]),
  ) as Record<"year" | "month" | "day" | "hour" | "minute" | "second", number>;
  return { ...parts, month: parts.month - 1 };
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(p.year, p.month, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/** UTC instant of local midnight; the offset is taken at midnight itself, which matters on DST days. */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month, day);
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

/** How long a task may stay overdue before heads of sales hear of it, unless the organization sets its own. */
export const DEFAULT_ESCALATION_AFTER_MINUTES = 240;

/** Overdue long enough to tell the head of sales. */
export function shouldEscalate(dueAt: Date, now: Date, escalationAfterMinutes: number): boolean {
  return now.getTime() - dueAt.getTime() >= escalationAfterMinutes * MINUTE_MS;
}
