import { describe, expect, it } from "vitest";
import { classifyAbc } from "../../src/analytics/abc.js";
import { onTimeRate } from "../../src/analytics/discipline.js";
import { channelMetrics } from "../../src/analytics/roi.js";

describe("channel ROI", () => {
  it("reproduces the seed's example exactly", () => {
    // Context ads: 90,000 a month, 54 calls, 12 buyers, average check 9,000.
    expect(channelMetrics({ spend: "90000", leads: 54, calls: 54, buyers: 12, revenue: "108000" })).toEqual({
      averageCheck: "9000.00", profit: "18000.00", roiPercent: "20.00", costPerLead: "1666.67", costPerCall: "1666.67", costPerBuyer: "7500.00",
    });
  });
  it("handles a loss, no spend and no buyers without dividing by zero", () => {
    expect(channelMetrics({ spend: "1000", leads: 0, calls: 0, buyers: 0, revenue: "0" })).toEqual({
      averageCheck: null, profit: "-1000.00", roiPercent: "-100.00", costPerLead: null, costPerCall: null, costPerBuyer: null,
    });
    expect(channelMetrics({ spend: "0", leads: 3, calls: 1, buyers: 1, revenue: "500.10" }).roiPercent).toBeNull();
  });
  it("stays exact where floats would drift", () => {
    expect(channelMetrics({ spend: "0.30", leads: 1, calls: 1, buyers: 1, revenue: "0.60" }).profit).toBe("0.30");
  });
});

describe("ABC", () => {
  const t = { a: 0.8, b: 0.15 };
  it("A covers the first 80% of revenue, B the next 15%, C the rest", () => {
    const classes = classifyAbc(
      [{ id: "a1", revenue: 500 }, { id: "a2", revenue: 300 }, { id: "b1", revenue: 100 }, { id: "b2", revenue: 50 }, { id: "c1", revenue: 30 }, { id: "c2", revenue: 20 }, { id: "none", revenue: 0 }],
      t,
    );
    expect(Object.fromEntries(classes)).toEqual({ a1: "A", a2: "A", b1: "B", b2: "B", c1: "C", c2: "C" });
  });
  it("the client crossing the line keeps the higher class; one huge client is A alone", () => {
    expect(Object.fromEntries(classifyAbc([{ id: "x", revenue: 1000 }, { id: "y", revenue: 1 }], t))).toEqual({ x: "A", y: "C" });
    expect(Object.fromEntries(classifyAbc([{ id: "x", revenue: 790 }, { id: "y", revenue: 200 }, { id: "z", revenue: 10 }], t))).toEqual({ x: "A", y: "A", z: "C" });
  });
  it("ties are broken by id so a recalculation is stable", () => {
    const rows = [{ id: "b", revenue: 10 }, { id: "a", revenue: 10 }];
    expect([...classifyAbc(rows, { a: 0.5, b: 0.25 })]).toEqual([["a", "A"], ["b", "B"]]);
  });
});

describe("manager discipline", () => {
  it("on-time rate counts done on time among decided tasks", () => {
    expect(onTimeRate({ due: 10, doneOnTime: 6, doneLate: 2, overdueOpen: 2, missed: 0 })).toBe(0.6);
    expect(onTimeRate({ due: 10, doneOnTime: 6, doneLate: 1, overdueOpen: 1, missed: 2 })).toBe(0.6);
    expect(onTimeRate({ due: 3, doneOnTime: 0, doneLate: 0, overdueOpen: 0, missed: 0 })).toBeNull();
  });
});
