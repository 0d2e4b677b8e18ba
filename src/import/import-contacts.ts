import { randomUUID } from "node:crypto";
import { clientIdsByExternalId, findAnyWay, inImportTransaction, insertRows, type ImportDatabase, updateRows, type BulkColumn } from "./bulk-sql.js";
import { NOW_UTC, epochMs } from "../shared/sql-time.js";
import type { FieldDefinition } from "../custom-fields/validate.js";
import { validateContactRow, type ContactImportRow } from "./contact-rows.js";
import type { CsvRow } from "./csv.js";
import { columnOf } from "./columns.js";
import { refuse, runImport, type ImportOptions, type ImportSpec, type ImportSummary } from "./run-import.js";

interface Context {
  organizationId: string;
  definitions: FieldDefinition[];
  now: Date;
}

interface Existing {
  id: string;
  externalId: string | null;
  fullName: string;
  phones: string[];
  emails: string[];
  customFields: Record<string, unknown>;
}
const EXISTING = `id, "externalId", "fullName", phones, emails, "customFields"`;
interface Job {
  id: string;
  contactId: string;
  clientId: string;
  title: string | null;
  isDecisionMaker: boolean;
  directPhone: string | null;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number | null;
}
const CONTACT_COLUMNS: BulkColumn[] = [
  { name: "id", type: "uuid" }, { name: "externalId", type: "text" }, { name: "fullName", type: "text" },
  { name: "phones", type: "text[]" }, { name: "emails", type: "text[]" }, { name: "customFields", type: "jsonb" },
];
const JOB_COLUMNS: BulkColumn[] = [
  { name: "id", type: "uuid" }, { name: "contactId", type: "uuid" }, { name: "clientId", type: "uuid" }, { name: "title", type: "text" },
  { name: "isDecisionMaker", type: "boolean" }, { name: "directPhone", type: "text" }, { name: "startedAt", type: "timestamp" }, { name: "endedAt", type: "timestamp" },
];

/**
 * Imports people and their jobs. A person matches an existing contact by external id, else by any of their e-mails
 * or phones; a person with several jobs takes one row per job (same external id, another client). A job matches
 * the person's employment at that client starting on the same date, else their current one there; it is created
 * otherwise. As everywhere in the import, only the file's columns change, and only when they differ.
 */
export function importContacts(db: ImportDatabase, rows: AsyncIterable<CsvRow>, options: ImportOptions): Promise<ImportSummary> {
  return runImport(db, rows, options, CONTACTS);
}

const CONTACTS: ImportSpec<ContactImportRow, Context> = {
  kind: "contacts",
  tables: ["Contact", "Employment"],
  // A person's rows (one per job) share a lane, so their second job finds the contact the first one created.
  laneKey: (row) => row.externalId ?? row.emails[0] ?? row.phones[0] ?? String(row.line),
  async loadContext(prisma, organizationId) {
    const definitions = await prisma.customFieldDefinition.findMany({ where: { organizationId, entity: "CONTACT" } });
    return { organizationId, now: new Date(), definitions: definitions.map((d) => ({ key: d.key, label: d.label, type: d.type, options: d.options, required: d.required })) };
  },
  customFields: (context) => context.definitions,
  dedupeKey: (row) => (row.externalId ? { key: `${row.externalId}@${row.employment?.clientExternalId ?? ""}`, field: "externalId" } : null),
  validate(line, cells, mapping, context) {
    const result = validateContactRow(line, cells, mapping, context.definitions, context.now);
    if (result.row && !result.row.externalId && !result.row.emails.length && !result.row.phones.length) {
      return { row: null, issues: [{ line, column: columnOf(mapping, "externalId"), message: "a contact needs an external id, an e-mail or a phone, so importing the file again finds them" }] };
    }
    return result;
  },
  async writeBatch(db, context, rows, batch) {
    const { organizationId } = context;
    const clientExternalIds = [...new Set(rows.flatMap((r) => (r.employment ? [r.employment.clientExternalId] : [])))];
    const clientIds = await clientIdsByExternalId(db.sql, organizationId, clientExternalIds);
    const placed = rows.filter((row) => {
      if (!row.employment || clientIds.has(row.employment.clientExternalId)) return true;
      refuse(batch.summary, { line: row.line, column: batch.columnOf("clientExternalId"), message: `no client with the external id "${row.employment.clientExternalId}"` });
      return false;
    });

    const externalIds = placed.flatMap((r) => (r.externalId ? [r.externalId] : []));
    const emails = placed.flatMap((r) => (r.externalId ? [] : r.emails));
    const phones = placed.flatMap((r) => (r.externalId ? [] : r.phones));
    const existing = await findAnyWay<Existing>(db.sql, [
      { lookFor: externalIds, select: (p) => `SELECT ${EXISTING} FROM "Contact" WHERE "organizationId" = ${p(organizationId)}::uuid AND "externalId" = ANY(${p(externalIds)}::text[])` },
      { lookFor: emails, select: (p) => `SELECT ${EXISTING} FROM "Contact" WHERE "organizationId" = ${p(organizationId)}::uuid AND emails && ${p(emails)}::text[]` },
      { lookFor: phones, select: (p) => `SELECT ${EXISTING} FROM "Contact" WHERE "organizationId" = ${p(organizationId)}::uuid AND phones && ${p(phones)}::text[]` },
    ]);
    const byExternalId = new Map(existing.flatMap((c) => (c.externalId ? [[c.externalId, c]] : [])));
    const byAddress = new Map(existing.flatMap((c) => [...c.emails, ...c.phones].map((address) => [address, c])));
    const findExisting = (row: ContactImportRow): Existing | undefined =>
      row.externalId ? byExternalId.get(row.externalId) : [...row.emails, ...row.phones].map((address) => byAddress.get(address)).find(Boolean);

    // One contact per person, even across several rows (jobs) of the batch: their phones and e-mails together.
    const keyOf = (row: ContactImportRow) => row.externalId ?? row.emails[0] ?? row.phones[0]!;
    const people = new Map<string, ContactImportRow>();
    for (const row of placed) {
      const seen = people.get(keyOf(row));
      people.set(keyOf(row), seen
        ? { ...seen, phones: [...new Set([...seen.phones, ...row.phones])], emails: [...new Set([...seen.emails, ...row.emails])], customFields: { ...seen.customFields, ...row.customFields } }
        : row);
    }
    const personOf = new Map<string, { id: string; created: boolean; changed: boolean }>();
    const contactCreates: Record<string, unknown>[] = [];
    const contactUpdates: { id: string; data: Record<string, unknown> }[] = [];
    for (const [key, person] of people) {
      const match = findExisting(person);
      if (!match) {
        const id = randomUUID();
        contactCreates.push({ id, externalId: person.externalId, fullName: person.fullName, phones: person.phones, emails: person.emails, customFields: person.customFields });
        personOf.set(key, { id, created: true, changed: false });
        continue;
      }
      const changes = contactChanges(match, person, batch.present);
      if (Object.keys(changes).length) contactUpdates.push({ id: match.id, data: changes });
      personOf.set(key, { id: match.id, created: false, changed: Object.keys(changes).length > 0 });
    }
    const outcome = new Map<ContactImportRow, "created" | "updated" | "unchanged">();
    for (const row of placed) {
      const person = personOf.get(keyOf(row))!;
      outcome.set(row, person.created ? "created" : person.changed ? "updated" : "unchanged");
    }

    const contactIds = [...new Set([...personOf.values()].filter((p) => !p.created).map((p) => p.id))];
    const employments = await findAnyWay<Job>(db.sql, [{
      lookFor: contactIds,
      select: (p) => `SELECT id, "contactId", "clientId", title, "isDecisionMaker", "directPhone", ${epochMs('"startedAt"', "startedAt")}, ${epochMs('"endedAt"', "endedAt")}
        FROM "Employment" WHERE "organizationId" = ${p(organizationId)}::uuid AND "contactId" = ANY(${p(contactIds)}::uuid[])`,
    }]);
    const jobsOf = new Map<string, Job[]>();
    for (const job of employments) jobsOf.set(`${job.contactId}:${job.clientId}`, [...(jobsOf.get(`${job.contactId}:${job.clientId}`) ?? []), job]);
    const jobCreates: Record<string, unknown>[] = [];
    const jobUpdates: { id: string; data: Record<string, unknown> }[] = [];
    for (const row of placed) {
      if (!row.employment) continue;
      const person = personOf.get(keyOf(row))!;
      const clientId = clientIds.get(row.employment.clientExternalId)!;
      const job = row.employment;
      const mine = jobsOf.get(`${person.id}:${clientId}`) ?? [];
      const match = (job.startedAt && mine.find((e) => e.startedAt === job.startedAt!.getTime())) || mine.find((e) => e.endedAt === null) || undefined;
      if (!match) {
        jobCreates.push({
          id: randomUUID(), contactId: person.id, clientId, title: job.title, isDecisionMaker: job.isDecisionMaker ?? false,
          directPhone: job.directPhone, startedAt: job.startedAt ?? context.now, endedAt: job.endedAt,
        });
        if (outcome.get(row) === "unchanged") outcome.set(row, "updated");
        continue;
      }
      const changes: Record<string, unknown> = {};
      if (batch.present.has("title") && match.title !== job.title) changes.title = job.title;
      if (batch.present.has("isDecisionMaker") && job.isDecisionMaker !== null && match.isDecisionMaker !== job.isDecisionMaker) changes.isDecisionMaker = job.isDecisionMaker;
      if (batch.present.has("directPhone") && match.directPhone !== job.directPhone) changes.directPhone = job.directPhone;
      if (batch.present.has("startedAt") && job.startedAt && match.startedAt !== job.startedAt.getTime()) changes.startedAt = job.startedAt;
      if (batch.present.has("endedAt") && match.endedAt !== (job.endedAt?.getTime() ?? null)) changes.endedAt = job.endedAt;
      if (Object.keys(changes).length) {
        jobUpdates.push({ id: match.id, data: changes });
        if (outcome.get(row) === "unchanged") outcome.set(row, "updated");
      }
    }
    for (const result of outcome.values()) batch.summary[result]++;
    if (batch.dryRun) return;
    await inImportTransaction(db, async (tx) => {
      await insertRows(tx, "Contact", organizationId, CONTACT_COLUMNS, contactCreates, { updatedAt: NOW_UTC });
      await updateRows(tx, "Contact", organizationId, CONTACT_COLUMNS, contactUpdates, { updatedAt: NOW_UTC });
      await insertRows(tx, "Employment", organizationId, JOB_COLUMNS, jobCreates);
      await updateRows(tx, "Employment", organizationId, JOB_COLUMNS, jobUpdates);
    });
  },
};

function contactChanges(current: Existing, row: ContactImportRow, present: Set<string>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (current.fullName !== row.fullName) changes.fullName = row.fullName;
  if (present.has("phones") && row.phones.length && !sameSet(current.phones, row.phones)) changes.phones = [...new Set([...current.phones, ...row.phones])];
  if (present.has("emails") && row.emails.length && !sameSet(current.emails, row.emails)) changes.emails = [...new Set([...current.emails, ...row.emails])];
  if (row.externalId && current.externalId !== row.externalId) changes.externalId = row.externalId;
  const merged = { ...(current.customFields as Record<string, unknown>), ...row.customFields };
  if (JSON.stringify(merged) !== JSON.stringify(current.customFields)) changes.customFields = merged;
  return changes;
}

/** The file's phones or e-mails are all known already: adding nothing is no change (a re-import stays quiet). */
const sameSet = (current: string[], wanted: string[]) => wanted.every((v) => current.includes(v));
