import { describe, expect, it } from "vitest";
import { dayBounds, followUpDueAt, shouldEscalate } from "../../src/tasks/followups.js";

describe("follow-up timing", () => {
  it("a proposal sent on Monday 15:00 means a call on Wednesday 15:00", () => {
    expect(followUpDueAt(new Date("2026-03-02T15:00:00Z"), 2 * 24 * 60).toISOString()).toBe("2026-03-04T15:00:00.000Z");
  });

  it("today is the organization's calendar day, not UTC's", () => {
    // 23:30 UTC on March 1 is already March 2 in Moscow.
    expect(dayBounds(new Date("2026-03-01T23:30:00Z"), "Europe/Moscow")).toEqual({
      start: new Date("2026-03-01T21:00:00Z"), end: new Date("2026-03-02T21:00:00Z"),
    });
    expect(dayBounds(new Date("2026-03-01T23:30:00Z"), "UTC")).toEqual({ start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-02T00:00:00Z") });
  });

  it("handles a 23-hour day at a DST change", () => {
    // Berlin springs forward on 2026-03-29: the day is 23 hours long.
    const { start, end } = dayBounds(new Date("2026-03-29T12:00:00Z"), "Europe/Berlin");
    expect(start.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(end.toISOString()).toBe("2026-03-29T22:00:00.000Z");
  });

  it("escalates only after the organization's delay", () => {
    const due = new Date("2026-03-02T10:00:00Z");
    expect(shouldEscalate(due, new Date("2026-03-02T13:59:00Z"), 240)).toBe(false);
    expect(shouldEscalate(due, new Date("2026-03-02T14:00:00Z"), 240)).toBe(true);
  });
});
