/** Money is exact: a decimal string with at most 12 integer and 2 fraction digits, never a float. */
const MONEY = /^\d{1,12}(\.\d{1,2})?$/;

export function parseMoney(value: string): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = value.trim();
  if (!MONEY.test(trimmed)) return { ok: false, message: "must be a positive amount like 9000 or 9000.50 (at most 2 decimals)" };
  if (/^0+(\.0+)?$/.test(trimmed)) return { ok: false, message: "must be greater than zero" };
  return { ok: true, value: trimmed };
}
