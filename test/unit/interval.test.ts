import { describe, expect, it } from "vitest";
import { expectedIntervalDays, meanGapDays, needsReactivation, organizationAverageDays } from "../../src/reactivation/interval.js";
import { parseMoney } from "../../src/orders/money.js";

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe("purchase interval", () => {
  it("is the mean gap between consecutive purchases, in any input order", () => {
    expect(meanGapDays([d("2026-03-01"), d("2026-01-01"), d("2026-02-01")])).toBe(29.5);
    expect(meanGapDays([d("2026-01-01"), d("2026-01-11"), d("2026-01-31")])).toBe(15);
  });

  it("is undefined below two purchases, so the organization average applies", () => {
    expect(meanGapDays([])).toBeUndefined();
    expect(meanGapDays([d("2026-01-01")])).toBeUndefined();
    const avg = organizationAverageDays([[d("2026-01-01"), d("2026-02-01"), d("2026-03-01")], [d("2026-04-20"), d("2026-05-20")], [d("2026-04-01")]]);
    expect(avg).toBe(29.75);
    expect(expectedIntervalDays([d("2026-04-01")], { organizationAverageDays: avg })).toBe(29.75);
  });

  it("a fixed period overrides everything", () => {
    expect(expectedIntervalDays([d("2026-01-01"), d("2026-01-05")], { fixedPeriodDays: 2555, organizationAverageDays: 3 })).toBe(2555);
  });

  it("is due only when the time since the last purchase exceeds interval × factor", () => {
    const history = [d("2026-01-01"), d("2026-01-31")]; // 30-day rhythm
    expect(needsReactivation(history, d("2026-03-01"), { factor: 1 })).toBe(false); // exactly 29 days
    expect(needsReactivation(history, d("2026-03-03"), { factor: 1 })).toBe(true); // 31 days
    expect(needsReactivation(history, d("2026-03-03"), { factor: 1.5 })).toBe(false);
    expect(needsReactivation([], d("2026-03-03"), { factor: 1, organizationAverageDays: 1 })).toBe(false);
    expect(needsReactivation([d("2026-01-01")], d("2026-03-03"), { factor: 1 })).toBe(false); // no interval known at all
  });
});

describe("money", () => {
  it("accepts exact positive amounts and refuses floats-in-disguise and garbage", () => {
    expect(parseMoney("9000")).toEqual({ ok: true, value: "9000" });
    expect(parseMoney(" 9000.50 ")).toEqual({ ok: true, value: "9000.50" });
    for (const bad of ["0", "0.00", "-5", "1e5", "12.345", "NaN", "1,5", "1234567890123"]) expect(parseMoney(bad).ok).toBe(false);
  });
});
