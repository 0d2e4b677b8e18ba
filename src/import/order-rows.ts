import { parseMoney } from "../orders/money.js";
import type { ColumnMapping } from "./columns.js";
import type { RowIssue } from "./client-rows.js";

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
  const headerOf = new Map([...mapping.fields].map(([header, field]) => [field, header]));
  const value = (field: string) => {
    const header = headerOf.get(field);
    const raw = header === undefined ? undefined : cells[header]?.trim();
    return raw ? raw : null;
  };
  const issues: RowIssue[] = [];
  const problem = (field: string, message: string) => issues.push({ line, column: headerOf.get(field) ?? field, message });

  const clientExternalId = value("clientExternalId");
  if (!clientExternalId) problem("clientExternalId", "is required: the client's external id");
  const amountRaw = value("amount");
  const amount = amountRaw === null ? null : parseMoney(amountRaw.replace(/[\s\u00a0]/g, "").replace(",", "."));
  if (!amount) problem("amount", "is required");
  else if (!amount.ok) problem("amount", `"${amountRaw}" ${amount.message}`);
  const externalId = value("externalId");
  const number = value("number");
  if (!externalId && !number) problem(headerOf.has("externalId") ? "externalId" : "number", "an order needs an external id or a number, so importing the file again finds it");
  const dates = {} as Record<(typeof DATES)[number], Date | null>;
  for (const field of DATES) {
    const raw = value(field);
    const at = raw === null ? null : parseDate(raw);
    if (raw !== null && !at) problem(field, `"${raw}" is not a date (YYYY-MM-DD, DD.MM.YYYY or ISO 8601)`);
    else if (at && at.getTime() > now.getTime() + 60_000) problem(field, "cannot be in the future");
    dates[field] = at;
  }
  for (const field of ["paidAt", "shippedAt"] as const) {
    if (dates[field] && dates.invoicedAt && dates[field]! < dates.invoicedAt) problem(field, "cannot be before the invoice");
  }
  if (issues.length) return { row: null, issues };
  return {
    row: { line, externalId: externalId?.slice(0, 100) ?? null, clientExternalId: clientExternalId!, number: number?.slice(0, 64) ?? null, amount: (amount as { value: string }).value, ...dates },
    issues: [],
  };
}

export function parseDate(raw: string): Date | null {
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2}))?$/.exec(raw);
  const iso = ru ? `${ru[3]}-${ru[2]}-${ru[1]}T${ru[4] ?? "00"}:${ru[5] ?? "00"}:00Z` : /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) || !/^\d{4}-/.test(iso) ? null : at;
}
