export interface DisciplineCounts {
  due: number;
  doneOnTime: number;
  doneLate: number;
  overdueOpen: number;
  /** Rolled over into the next one of their series without being done (payment chases). */
  missed: number;
}

/**
 * Share of tasks finished by their due time among those that are decided (done, missed or already overdue);
 * null if none. Tasks cancelled as no longer needed (an invoice paid before its chase) are not decided.
 */
export function onTimeRate(c: DisciplineCounts): number | null {
  const decided = c.doneOnTime + c.doneLate + c.overdueOpen + c.missed;
  return decided === 0 ? null : Math.round((c.doneOnTime / decided) * 10000) / 10000;
}

export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10000) / 10000;
}
