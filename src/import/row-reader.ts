import { applyCustomFields, type FieldDefinition } from "../custom-fields/validate.js";
import { normalizePhone } from "../shared/phone.js";
import { CLOCK_SKEW_MS } from "../clock.js";
import type { RowIssue } from "./client-rows.js";
import type { ColumnMapping } from "./columns.js";

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What every kind's row validator needs: a cell by field name (trimmed, empty as null), problems reported in the
 * file's own column names, and the readers for values spreadsheets write in their own ways (phones, dates, custom
 * fields). One row's problems are collected together, so a refused row lists everything wrong with it at once.
 */
export function readRow(line: number, cells: Record<string, string>, mapping: ColumnMapping) {
  const headerOf = headersOf(mapping);
  const issues: RowIssue[] = [];
  const value = (field: string): string | null => {
    const header = headerOf.get(field);
    const raw = header === undefined ? undefined : cells[header]?.trim();
    return raw ? raw : null;
  };
  const problem = (field: string, message: string) => issues.push({ line, column: headerOf.get(field) ?? field, message });
  return {
    issues,
    value,
    problem,
    has: (field: string) => headerOf.has(field),
    text(field: string, max: number): string | null {
      const v = value(field);
      if (v && v.length > max) problem(field, `must be at most ${max} characters`);
      return v;
    },
    phone(field: string): string | null {
      const raw = value(field);
      const phone = raw === null ? null : normalizePhone(raw) ?? null;
      if (raw !== null && !phone) problem(field, `"${raw}" is not a valid phone number`);
      return phone;
    },
    /** A date of the past (history, not plans): YYYY-MM-DD, DD.MM.YYYY[ HH:MM] or ISO 8601. */
    date(field: string, now: Date): Date | null {
      const raw = value(field);
      const at = raw === null ? null : parseDate(raw);
      if (raw !== null && !at) problem(field, `"${raw}" is not a date (YYYY-MM-DD, DD.MM.YYYY or ISO 8601)`);
      else if (at && at.getTime() > now.getTime() + CLOCK_SKEW_MS) problem(field, "cannot be in the future");
      return at;
    },
    customFields(definitions: FieldDefinition[]) {
      const patch: Record<string, unknown> = {};
      for (const definition of definitions) {
        const raw = value(`customFields.${definition.key}`);
        if (raw !== null) patch[definition.key] = fromCell(definition, raw);
      }
      const custom = applyCustomFields(definitions, {}, patch);
      for (const issue of custom.issues) problem(`customFields.${issue.key}`, issue.message);
      return custom.values;
    },
  };
}

/** Field → the file's header, worked out once per file (a million rows share one mapping). */
const HEADERS = new WeakMap<ColumnMapping, Map<string, string>>();
function headersOf(mapping: ColumnMapping): Map<string, string> {
  let headers = HEADERS.get(mapping);
  if (!headers) HEADERS.set(mapping, (headers = new Map([...mapping.fields].map(([header, field]) => [field, header]))));
  return headers;
}

/** A date without a time is midnight UTC of that day. */
export function parseDate(raw: string): Date | null {
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2}))?$/.exec(raw);
  const iso = ru ? `${ru[3]}-${ru[2]}-${ru[1]}T${ru[4] ?? "00"}:${ru[5] ?? "00"}:00Z` : /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) || !/^\d{4}-/.test(iso) ? null : at;
}

/** Spreadsheet cells are text: numbers may use a decimal comma and spaces, booleans may be words, dates dd.mm.yyyy. */
function fromCell(definition: FieldDefinition, raw: string): unknown {
  switch (definition.type) {
    case "NUMBER": {
      const compact = raw.replace(/[\s\u00a0]/g, "").replace(",", ".");
      return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : raw;
    }
    case "BOOL": {
      const word = raw.toLowerCase();
      if (["1", "true", "yes", "да"].includes(word)) return true;
      if (["0", "false", "no", "нет"].includes(word)) return false;
      return raw;
    }
    case "DATE": {
      const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(raw);
      return ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : raw;
    }
    default:
      return raw;
  }
}
