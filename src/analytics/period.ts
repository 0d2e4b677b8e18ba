import { ValidationError } from "../graphql/errors.js";

export interface Period {
  from: Date;
  to: Date;
}

const MAX_DAYS = 3660;

/** Periods are half-open [from, to): a day, month or year boundary belongs to the next period only. */
export function validatePeriod(period: Period, path = "period"): Period {
  if (!(period.from < period.to)) throw ValidationError.field(`${path}.to`, "must be after from");
  if (period.to.getTime() - period.from.getTime() > MAX_DAYS * 86_400_000) throw ValidationError.field(`${path}.to`, "the period can span at most 10 years");
  return period;
}

export function monthsBefore(date: Date, months: number): Date {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}
