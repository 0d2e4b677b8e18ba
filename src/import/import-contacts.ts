import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
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

type Existing = Prisma.ContactGetPayload<{ select: { id: true; externalId: true; fullName: true; phones: true; emails: true; customFields: true } }>;

/**
 * Imports people and their jobs. A person matches an existing contact by external id, else by any of their e-mails
 * or phones; a person with several jobs takes one row per job (same external id, another client). A job matches
 * the person's employment at that client starting on the same date, else their current one there; it is created
 * otherwise. As everywhere in the import, only the file's columns change, and only when they differ.
 */
export function importContacts(prisma: PrismaClient, rows: AsyncIterable<CsvRow>, options: ImportOptions): Promise<ImportSummary> {
  return runImport(prisma, rows, options, CONTACTS);
}

const CONTACTS: ImportSpec<ContactImportRow, Context> = {
  kind: "contacts",
  async loadContext(prisma, organizationId) {
    const definitions = await prisma.customFieldDefinition.findMany({ where: { organizationId, entity: "CONTACT" } });
    return { organizationId, now: new Date(), definitions: definitions.map((d) => ({ key: d.key, label: d.label, type: d.type, options: d.options, required: d.required })) };
  },
  customFields: (context) => context.definitions,
  dedupeKey: (row) => (row.externalId ? `${row.externalId}@${row.employment?.clientExternalId ?? ""}` : null),
  validate(line, cells, mapping, context) {
    const result = validateContactRow(line, cells, mapping, context.definitions, context.now);
    if (result.row && !result.row.externalId && !result.row.emails.length && !result.row.phones.length) {
      return { row: null, issues: [{ line, column: columnOf(mapping, "externalId"), message: "a contact needs an external id, an e-mail or a phone, so importing the file again finds them" }] };
    }
    return result;
  },
  async writeBatch(prisma, context, rows, batch) {
    const { organizationId } = context;
    const clientExternalIds = [...new Set(rows.flatMap((r) => (r.employment ? [r.employment.clientExternalId] : [])))];
    const clients = clientExternalIds.length
      ? await prisma.client.findMany({ where: { organizationId, externalId: { in: clientExternalIds } }, select: { id: true, externalId: true } })
      : [];
    const clientIds = new Map(clients.map((c) => [c.externalId!, c.id]));
    const placed = rows.filter((row) => {
      if (!row.employment || clientIds.has(row.employment.clientExternalId)) return true;
      refuse(batch.summary, { line: row.line, column: batch.columnOf("clientExternalId"), message: `no client with the external id "${row.employment.clientExternalId}"` });
      return false;
    });

    const existing = await prisma.contact.findMany({
      where: {
        organizationId,
        OR: [
          { externalId: { in: placed.flatMap((r) => (r.externalId ? [r.externalId] : [])) } },
          { emails: { hasSome: placed.flatMap((r) => (r.externalId ? [] : r.emails)) } },
          { phones: { hasSome: placed.flatMap((r) => (r.externalId ? [] : r.phones)) } },
        ],
      },
      select: { id: true, externalId: true, fullName: true, phones: true, emails: true, customFields: true },
    });
    const findExisting = (row: ContactImportRow): Existing | undefined =>
      row.externalId
        ? existing.find((c) => c.externalId === row.externalId)
        : existing.find((c) => row.emails.some((e) => c.emails.includes(e)) || row.phones.some((p) => c.phones.includes(p)));

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
    const contactCreates: Prisma.ContactCreateManyInput[] = [];
    const contactUpdates: { id: string; data: Prisma.ContactUncheckedUpdateManyInput }[] = [];
    for (const [key, person] of people) {
      const match = findExisting(person);
      if (!match) {
        const id = randomUUID();
        contactCreates.push({ id, organizationId, externalId: person.externalId, fullName: person.fullName, phones: person.phones, emails: person.emails, customFields: person.customFields as Prisma.InputJsonValue });
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
    const employments = contactIds.length ? await prisma.employment.findMany({ where: { organizationId, contactId: { in: contactIds } } }) : [];
    const jobCreates: Prisma.EmploymentCreateManyInput[] = [];
    const jobUpdates: { id: string; data: Prisma.EmploymentUncheckedUpdateManyInput }[] = [];
    for (const row of placed) {
      if (!row.employment) continue;
      const person = personOf.get(keyOf(row))!;
      const clientId = clientIds.get(row.employment.clientExternalId)!;
      const job = row.employment;
      const mine = employments.filter((e) => e.contactId === person.id && e.clientId === clientId);
      const match = (job.startedAt && mine.find((e) => e.startedAt.getTime() === job.startedAt!.getTime())) || mine.find((e) => e.endedAt === null) || undefined;
      if (!match) {
        jobCreates.push({
          organizationId, contactId: person.id, clientId, title: job.title, isDecisionMaker: job.isDecisionMaker ?? false,
          directPhone: job.directPhone, startedAt: job.startedAt ?? context.now, endedAt: job.endedAt,
        });
        if (outcome.get(row) === "unchanged") outcome.set(row, "updated");
        continue;
      }
      const changes: Record<string, unknown> = {};
      if (batch.present.has("title") && match.title !== job.title) changes.title = job.title;
      if (batch.present.has("isDecisionMaker") && job.isDecisionMaker !== null && match.isDecisionMaker !== job.isDecisionMaker) changes.isDecisionMaker = job.isDecisionMaker;
      if (batch.present.has("directPhone") && match.directPhone !== job.directPhone) changes.directPhone = job.directPhone;
      if (batch.present.has("startedAt") && job.startedAt && match.startedAt.getTime() !== job.startedAt.getTime()) changes.startedAt = job.startedAt;
      if (batch.present.has("endedAt") && (match.endedAt?.getTime() ?? null) !== (job.endedAt?.getTime() ?? null)) changes.endedAt = job.endedAt;
      if (Object.keys(changes).length) {
        jobUpdates.push({ id: match.id, data: changes });
        if (outcome.get(row) === "unchanged") outcome.set(row, "updated");
      }
    }
    for (const result of outcome.values()) batch.summary[result]++;
    if (batch.dryRun) return;
    await prisma.$transaction(async (tx) => {
      if (contactCreates.length) await tx.contact.createMany({ data: contactCreates });
      for (const { id, data } of contactUpdates) await tx.contact.updateMany({ where: { id, organizationId }, data: { ...data, version: { increment: 1 } } });
      if (jobCreates.length) await tx.employment.createMany({ data: jobCreates });
      for (const { id, data } of jobUpdates) await tx.employment.updateMany({ where: { id, organizationId }, data: { ...data, version: { increment: 1 } } });
    }, { timeout: 120_000, maxWait: 30_000 });
  },
};

function contactChanges(current: Existing, row: ContactImportRow, present: Set<string>): Prisma.ContactUncheckedUpdateManyInput {
  const changes: Prisma.ContactUncheckedUpdateManyInput = {};
  if (current.fullName !== row.fullName) changes.fullName = row.fullName;
  if (present.has("phones") && row.phones.length && !sameSet(current.phones, row.phones)) changes.phones = [...new Set([...current.phones, ...row.phones])];
  if (present.has("emails") && row.emails.length && !sameSet(current.emails, row.emails)) changes.emails = [...new Set([...current.emails, ...row.emails])];
  if (row.externalId && current.externalId !== row.externalId) changes.externalId = row.externalId;
  const merged = { ...(current.customFields as Record<string, unknown>), ...row.customFields };
  if (JSON.stringify(merged) !== JSON.stringify(current.customFields)) changes.customFields = merged as Prisma.InputJsonValue;
  return changes;
}

/** The file's phones or e-mails are all known already: adding nothing is no change (a re-import stays quiet). */
const sameSet = (current: string[], wanted: string[]) => wanted.every((v) => current.includes(v));
