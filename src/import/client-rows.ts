import type { FieldDefinition } from "../custom-fields/validate.js";
import type { ColumnMapping } from "./columns.js";
import { EMAIL, readRow } from "./row-reader.js";

/** A client row ready to write: every value checked and normalised. */
export interface ClientImportRow {
  line: number;
  externalId: string | null;
  name: string;
  kind: "COMPANY" | "PERSON";
  website: string | null;
  phone: string | null;
  email: string | null;
  businessDescription: string | null;
  targetAudience: string | null;
  competitors: string | null;
  problemsFound: string | null;
  proposedSolutions: string | null;
  ownerEmail: string | null;
  channel: string | null;
  customFields: Record<string, string | number | boolean | null>;
}

/** A refused row: its line, the column as the file names it, and what is wrong. */
export interface RowIssue {
  line: number;
  column: string;
  message: string;
}

const TEXT_FIELDS = ["businessDescription", "targetAudience", "competitors", "problemsFound", "proposedSolutions"] as const;
const KINDS: Record<string, "COMPANY" | "PERSON"> = {
  company: "COMPANY", компания: "COMPANY", юрлицо: "COMPANY", организация: "COMPANY",
  person: "PERSON", физлицо: "PERSON", "частное лицо": "PERSON", человек: "PERSON",
};

/**
 * Checks one client row (pure: the caller supplies the organization's custom field definitions). A row with any
 * problem is refused whole and reported with every problem at once; nothing of it is written.
 */
export function validateClientRow(
  line: number,
  cells: Record<string, string>,
  mapping: ColumnMapping,
  definitions: FieldDefinition[],
): { row: ClientImportRow; issues: [] } | { row: null; issues: RowIssue[] } {
  const { issues, value, problem, text, phone: phoneOf, customFields } = readRow(line, cells, mapping);

  const name = text("name", 300);
  if (!name) problem("name", "is required");
  const kindRaw = value("kind");
  const kind = kindRaw === null ? "COMPANY" : KINDS[kindRaw.toLowerCase()] ?? null;
  if (!kind) problem("kind", "must be COMPANY or PERSON (компания / физлицо)");
  const phone = phoneOf("phone");
  const emailRaw = value("email");
  const email = emailRaw?.toLowerCase() ?? null;
  if (email && (email.length > 254 || !EMAIL.test(email))) problem("email", `"${emailRaw}" is not a valid e-mail address`);
  const websiteRaw = value("website");
  const website = websiteRaw === null ? null : httpUrl(websiteRaw);
  if (websiteRaw !== null && !website) problem("website", `"${websiteRaw}" is not a web address`);
  const texts = Object.fromEntries(TEXT_FIELDS.map((field) => [field, text(field, 5000)])) as Record<(typeof TEXT_FIELDS)[number], string | null>;

  const custom = customFields(definitions);

  if (issues.length) return { row: null, issues };
  return {
    row: {
      line, externalId: text("externalId", 100), name: name!, kind: kind!, website, phone, email, ...texts,
      ownerEmail: value("ownerEmail")?.toLowerCase() ?? null, channel: text("channel", 100), customFields: custom,
    },
    issues: [],
  };
}

function httpUrl(raw: string): string | null {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.includes(".") ? url.toString() : null;
  } catch {
    return null;
  }
}
