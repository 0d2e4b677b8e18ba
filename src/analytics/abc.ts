import { Decimal } from "decimal.js";

/** ABC classification, pure. The SQL recalculation applies the same rule; tests pin both. */

export interface AbcThresholds {
  /** Share of revenue covered by class A, e.g. 0.8. */
  a: number;
  /** Share covered by class B after A, e.g. 0.15; C is the rest. */
  b: number;
}

export type AbcClass = "A" | "B" | "C";

/**
 * Clients ranked by revenue (ties by id for stability). A client's class is decided by the revenue share
 * ranked *before* it: the client that crosses the 80% line is still A, so A is never empty when revenue exists.
 * Clients without revenue in the window get no class.
 */
export function classifyAbc(revenues: { id: string; revenue: number }[], thresholds: AbcThresholds): Map<string, AbcClass> {
  const ranked = revenues.filter((r) => r.revenue > 0).sort((x, y) => y.revenue - x.revenue || (x.id < y.id ? -1 : 1));
  // Decimal arithmetic: with floats 0.8 + 0.15 > 0.95 and a client exactly on the line would flip class.
  const total = ranked.reduce((sum, r) => sum.plus(r.revenue), new Decimal(0));
  const lineA = new Decimal(thresholds.a);
  const lineB = lineA.plus(thresholds.b);
  const classes = new Map<string, AbcClass>();
  let before = new Decimal(0);
  for (const { id, revenue } of ranked) {
    const share = before.div(total);
    classes.set(id, share.lt(lineA) ? "A" : share.lt(lineB) ? "B" : "C");
    before = before.plus(revenue);
  }
  return classes;
}
