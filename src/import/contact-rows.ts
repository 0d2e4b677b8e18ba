import type { FieldDefinition } from "../custom-fields/validate.js";
import { normalizePhone } from "../shared/phone.js";
import type { RowIssue } from "./client-rows.js";
import type { ColumnMapping } from "./columns.js";
import { EMAIL, readRow } from "./row-reader.js";

/** A person, and optionally one job of theirs at a client (a person with several jobs takes several rows). */
export interface ContactImportRow {
  line: number;
  externalId: string | null;
  fullName: string;
  phones: string[];
  emails: string[];
  customFields: Record<string, string | number | boolean | null>;
  employment: {
    clientExternalId: string;
    title: string | null;
    isDecisionMaker: boolean | null;
    directPhone: string | null;
    startedAt: Date | null;
    endedAt: Date | null;
  } | null;
}

const JOB_FIELDS = ["title", "isDecisionMaker", "directPhone", "startedAt", "endedAt"];

/** Checks one contact row (pure). Several phones or e-mails share a cell, separated by ";", "," or "|". */
export function validateContactRow(
  line: number,
  cells: Record<string, string>,
  mapping: ColumnMapping,
  definitions: FieldDefinition[],
  now: Date,
): { row: ContactImportRow; issues: [] } | { row: null; issues: RowIssue[] } {
  const { issues, value, problem, phone, date, customFields } = readRow(line, cells, mapping);
  const list = (field: string) => (value(field) ?? "").split(/[;,|\n]/).map((v) => v.trim()).filter(Boolean);

  const fullName = value("fullName");
  if (!fullName) problem("fullName", "is required");
  else if (fullName.length > 300) problem("fullName", "must be at most 300 characters");
  const phones = list("phones").map((raw) => {
    const phone = normalizePhone(raw);
    if (!phone) problem("phones", `"${raw}" is not a valid phone number`);
    return phone ?? raw;
  });
  const emails = list("emails").map((raw) => {
    const email = raw.toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) problem("emails", `"${raw}" is not a valid e-mail address`);
    return email;
  });

  const clientExternalId = value("clientExternalId");
  if (!clientExternalId && JOB_FIELDS.some((field) => value(field) !== null)) {
    problem("clientExternalId", "is required with job details: the client's external id");
  }
  const decision = value("isDecisionMaker");
  const isDecisionMaker = decision === null ? null : ["1", "true", "yes", "да", "лпр"].includes(decision.toLowerCase()) ? true
    : ["0", "false", "no", "нет"].includes(decision.toLowerCase()) ? false : undefined;
  if (isDecisionMaker === undefined) problem("isDecisionMaker", `"${decision}" is not yes or no`);
  const directPhone = phone("directPhone");
  const dates = { startedAt: date("startedAt", now), endedAt: date("endedAt", now) };
  if (dates.startedAt && dates.endedAt && dates.endedAt < dates.startedAt) problem("endedAt", "cannot be before the start");
  const title = value("title");
  if (title && title.length > 200) problem("title", "must be at most 200 characters");

  const custom = customFields(definitions);

  if (issues.length) return { row: null, issues };
  return {
    row: {
      line, externalId: value("externalId")?.slice(0, 100) ?? null, fullName: fullName!, phones, emails, customFields: custom,
      employment: clientExternalId ? { clientExternalId, title, isDecisionMaker: isDecisionMaker ?? null, directPhone, ...dates } : null,
    },
    issues: [],
  };
}
