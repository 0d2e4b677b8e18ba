/** Injectable time source so schedulers and follow-up rules can be tested without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A client's clock may run a little ahead of ours: a date this far "in the future" is still accepted as now. */
export const CLOCK_SKEW_MS = 60_000;

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
