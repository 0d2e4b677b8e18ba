import { parseMoney } from "../orders/money.js";
import type { ColumnMapping } from "./columns.js";
import type { RowIssue } from "./client-rows.js";
import { readRow } from "./row-reader.js";

/** An order row ready to write. Dates are instants; a date without a time is midnight UTC of that day. */
export interface OrderImportRow {
  line: number;
  externalId: string | null;
  clientExternalId: string;
  number: string | null;
  amount: string;
  invoicedAt: Date | null;
  paidAt: Date | null;
  shippedAt: Date | null;
  cancelledAt: Date | null;
}

const DATES = ["invoicedAt", "paidAt", "shippedAt", "cancelledAt"] as const;

/** Checks one order row (pure). `now` bounds the dates: history, not plans. */
export function validateOrderRow(
  line: number,
  cells: Record<string, string>,
  mapping: ColumnMapping,
  now: Date,
): { row: OrderImportRow; issues: [] } | { row: null; issues: RowIssue[] } {
  const { issues, value, problem, has, date } = readRow(line, cells, mapping);

  const clientExternalId = value("clientExternalId");
  if (!clientExternalId) problem("clientExternalId", "is required: the client's external id");
  const amountRaw = value("amount");
  const amount = amountRaw === null ? null : parseMoney(amountRaw.replace(/[\s\u00a0]/g, "").replace(",", "."));
  if (!amount) problem("amount", "is required");
  else if (!amount.ok) problem("amount", `"${amountRaw}" ${amount.message}`);
  const externalId = value("externalId");
  const number = value("number");
  if (!externalId && !number) problem(has("externalId") ? "externalId" : "number", "an order needs an external id or a number, so importing the file again finds it");
  const dates = Object.fromEntries(DATES.map((field) => [field, date(field, now)])) as Record<(typeof DATES)[number], Date | null>;
  for (const field of ["paidAt", "shippedAt"] as const) {
    if (dates[field] && dates.invoicedAt && dates[field]! < dates.invoicedAt) problem(field, "cannot be before the invoice");
  }
  if (issues.length) return { row: null, issues };
  return {
    row: { line, externalId: externalId?.slice(0, 100) ?? null, clientExternalId: clientExternalId!, number: number?.slice(0, 64) ?? null, amount: (amount as { value: string }).value, ...dates },
    issues: [],
  };
}
