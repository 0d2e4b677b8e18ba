import { normalizePhone } from "../shared/phone.js";

export type CustomFieldType = "TEXT" | "NUMBER" | "DATE" | "BOOL" | "SELECT" | "URL" | "PHONE" | "EMAIL";

export interface FieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
}

export type CustomValues = Record<string, string | number | boolean | null>;

export interface CustomFieldIssue {
  key: string;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 2000;

/**
 * Merges `patch` into `current` and validates the result against the definitions.
 * A null in the patch removes the value. Unknown keys and wrong types are reported per key.
 */
export function applyCustomFields(
  definitions: FieldDefinition[],
  current: CustomValues,
  patch: Record<string, unknown>,
): { values: CustomValues; issues: CustomFieldIssue[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const values: CustomValues = { ...current };
  const issues: CustomFieldIssue[] = [];
  for (const [key, raw] of Object.entries(patch)) {
    const definition = byKey.get(key);
    if (!definition) {
      issues.push({ key, message: "is not a defined custom field" });
      continue;
    }
    if (raw === null) {
      delete values[key];
      continue;
    }
    const parsed = coerce(definition, raw);
    if ("error" in parsed) issues.push({ key, message: parsed.error });
    else values[key] = parsed.value;
  }
  for (const definition of definitions) {
    if (definition.required && (values[definition.key] === undefined || values[definition.key] === "")) {
      if (!issues.some((i) => i.key === definition.key)) issues.push({ key: definition.key, message: "is required" });
    }
  }
  return { values, issues };
}

function coerce(definition: FieldDefinition, raw: unknown): { value: string | number | boolean } | { error: string } {
  switch (definition.type) {
    case "TEXT":
      return typeof raw === "string" && raw.length <= MAX_TEXT ? { value: raw } : { error: `must be text up to ${MAX_TEXT} characters` };
    case "NUMBER":
      return typeof raw === "number" && Number.isFinite(raw) ? { value: raw } : { error: "must be a number" };
    case "BOOL":
      return typeof raw === "boolean" ? { value: raw } : { error: "must be true or false" };
    case "DATE":
      return typeof raw === "string" && DATE.test(raw) && !Number.isNaN(Date.parse(raw)) ? { value: raw } : { error: "must be a date YYYY-MM-DD" };
    case "SELECT":
      return typeof raw === "string" && definition.options.includes(raw)
        ? { value: raw }
        : { error: `must be one of: ${definition.options.join(", ")}` };
    case "URL":
      return typeof raw === "string" && isHttpUrl(raw) ? { value: raw } : { error: "must be an http(s) URL" };
    case "EMAIL":
      return typeof raw === "string" && raw.length <= 254 && EMAIL.test(raw) ? { value: raw.toLowerCase() } : { error: "must be an email address" };
    case "PHONE": {
      const phone = typeof raw === "string" ? normalizePhone(raw) : undefined;
      return phone ? { value: phone } : { error: "must be a valid phone number" };
    }
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
