import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findAnyWay, inImportTransaction, insertRows, type ImportDatabase, updateRows, type BulkColumn } from "./bulk-sql.js";
import { NOW_UTC } from "../shared/sql-time.js";
import type { FieldDefinition } from "../custom-fields/validate.js";
import { validateClientRow, type ClientImportRow, type RowIssue } from "./client-rows.js";
import type { CsvRow } from "./csv.js";
import { columnOf } from "./columns.js";
import { runImport, type ImportOptions, type ImportSpec, type ImportSummary } from "./run-import.js";

export { ImportFileError, type ImportOptions, type ImportSummary } from "./run-import.js";

const CARD_FIELDS = ["name", "kind", "website", "phone", "email", "businessDescription", "targetAudience", "competitors", "problemsFound", "proposedSolutions"] as const;

type Existing = { id: string; externalId: string | null; ownerId: string | null; channelId: string | null; customFields: Record<string, unknown>; kind: string } &
  Record<(typeof CARD_FIELDS)[number], string | null>;
const EXISTING = `id, "externalId", ${CARD_FIELDS.map((f) => (f === "kind" ? "kind::text AS kind" : `"${f}"`)).join(", ")}, "ownerId", "channelId", "customFields"`;

const COLUMNS: BulkColumn[] = [
  { name: "id", type: "uuid" }, { name: "externalId", type: "text" }, { name: "kind", type: "ClientKind" },
  ...CARD_FIELDS.filter((f) => f !== "kind").map((name) => ({ name, type: "text" as const })),
  { name: "ownerId", type: "uuid" }, { name: "channelId", type: "uuid" }, { name: "channelSource", type: "ChannelSource" },
  { name: "customFields", type: "jsonb" }, { name: "pipelineId", type: "uuid" }, { name: "stageId", type: "uuid" }, { name: "stageEnteredAt", type: "timestamp" },
];
const TRANSITION_COLUMNS: BulkColumn[] = [
  { name: "id", type: "uuid" }, { name: "clientId", type: "uuid" }, { name: "toStageId", type: "uuid" }, { name: "note", type: "text" }, { name: "occurredAt", type: "timestamp" },
];

/**
 * Imports clients, batch by batch, each batch in one transaction (a row is written whole or not at all). A row
 * matches an existing client by its external id, else (without one) by its phone, else by its website; a match is
 * updated only in the columns the file has, and only when something differs (its version then bumps), so
 * re-importing a file changes nothing. New clients enter the first stage of the default pipeline.
 */
export function importClients(db: ImportDatabase, rows: AsyncIterable<CsvRow>, options: ImportOptions): Promise<ImportSummary> {
  return runImport(db, rows, options, CLIENTS);
}

const CLIENTS: ImportSpec<ClientImportRow, Context> = {
  kind: "clients",
  loadContext,
  tables: ["Client", "StageTransition"],
  customFields: (context) => context.definitions,
  // A client is met by what matches it: its external id, else its phone, else its website.
  laneKey: (row) => row.externalId ?? row.phone ?? row.website ?? String(row.line),
  dedupeKey: (row) =>
    row.externalId ? { key: row.externalId, field: "externalId" } : row.phone ? { key: `phone:${row.phone}`, field: "phone" } : row.website ? { key: `website:${row.website}`, field: "website" } : null,
  validate(line, cells, mapping, context) {
    const result = validateClientRow(line, cells, mapping, context.definitions);
    const row = result.row;
    if (!row) return result;
    const issues: RowIssue[] = [];
    if (row.ownerEmail && !context.users.has(row.ownerEmail)) {
      issues.push({ line, column: columnOf(mapping, "ownerEmail"), message: `no active user with the e-mail ${row.ownerEmail}` });
    }
    if (row.channel && !context.channels.has(row.channel.toLowerCase())) {
      issues.push({ line, column: columnOf(mapping, "channel"), message: `no channel named "${row.channel}"` });
    }
    return { row, issues };
  },
  writeBatch: (db, context, rows, batch) => writeBatch(db, context, rows, batch.present, { dryRun: batch.dryRun }, batch.summary),
};

interface Context {
  definitions: FieldDefinition[];
  users: Map<string, string>;
  channels: Map<string, string>;
  firstStage: { id: string; pipelineId: string } | null;
  organizationId: string;
}

async function loadContext(prisma: PrismaClient, organizationId: string): Promise<Context> {
  const [definitions, users, channels, firstStage] = await Promise.all([
    prisma.customFieldDefinition.findMany({ where: { organizationId, entity: "CLIENT" }, orderBy: { position: "asc" } }),
    prisma.user.findMany({ where: { organizationId, active: true }, select: { id: true, email: true } }),
    prisma.channel.findMany({ where: { organizationId }, select: { id: true, name: true } }),
    prisma.stage.findFirst({ where: { organizationId, pipeline: { isDefault: true } }, orderBy: { position: "asc" }, select: { id: true, pipelineId: true } }),
  ]);
  return {
    definitions: definitions.map((d) => ({ key: d.key, label: d.label, type: d.type, options: d.options, required: d.required })),
    users: new Map(users.map((u) => [u.email.toLowerCase(), u.id])),
    channels: new Map(channels.map((c) => [c.name.toLowerCase(), c.id])),
    firstStage,
    organizationId,
  };
}

async function writeBatch(
  db: ImportDatabase,
  context: Context,
  rows: ClientImportRow[],
  present: Set<string>,
  options: { dryRun: boolean },
  summary: ImportSummary,
) {
  const { organizationId } = context;
  const externalIds = rows.flatMap((r) => (r.externalId ? [r.externalId] : []));
  const phones = rows.flatMap((r) => (!r.externalId && r.phone ? [r.phone] : []));
  const websites = rows.flatMap((r) => (!r.externalId && !r.phone && r.website ? [r.website] : []));
  const existing = await findAnyWay<Existing>(db.sql, [
    { lookFor: externalIds, select: (p) => `SELECT ${EXISTING} FROM "Client" WHERE "organizationId" = ${p(organizationId)}::uuid AND "externalId" = ANY(${p(externalIds)}::text[])` },
    { lookFor: phones, select: (p) => `SELECT ${EXISTING} FROM "Client" WHERE "organizationId" = ${p(organizationId)}::uuid AND phone = ANY(${p(phones)}::text[])` },
    { lookFor: websites, select: (p) => `SELECT ${EXISTING} FROM "Client" WHERE "organizationId" = ${p(organizationId)}::uuid AND website = ANY(${p(websites)}::text[])` },
  ]);
  const byExternalId = new Map(existing.flatMap((c) => (c.externalId ? [[c.externalId, c]] : [])));
  const byPhone = new Map(existing.flatMap((c) => (c.phone ? [[c.phone, c]] : [])));
  const byWebsite = new Map(existing.flatMap((c) => (c.website ? [[c.website, c]] : [])));

  const now = new Date();
  const creates: Record<string, unknown>[] = [];
  const updates: { id: string; data: Record<string, unknown> }[] = [];
  for (const row of rows) {
    const match = row.externalId ? byExternalId.get(row.externalId) : (row.phone && byPhone.get(row.phone)) || (row.website && byWebsite.get(row.website)) || undefined;
    const wanted = fieldsOf(row, present, context);
    if (!match) {
      creates.push({
        ...Object.fromEntries(COLUMNS.map((c) => [c.name, null])), ...wanted, id: randomUUID(), externalId: row.externalId, name: row.name, kind: row.kind,
        customFields: row.customFields, pipelineId: context.firstStage?.pipelineId ?? null, stageId: context.firstStage?.id ?? null, stageEnteredAt: context.firstStage ? now : null,
      });
      continue;
    }
    const changes = differences(match, wanted, row);
    if (Object.keys(changes).length === 0) summary.unchanged++;
    else updates.push({ id: match.id, data: changes });
  }
  summary.created += creates.length;
  summary.updated += updates.length;
  if (options.dryRun) return;
  await inImportTransaction(db, async (tx) => {
    await insertRows(tx, "Client", organizationId, COLUMNS, creates, { updatedAt: NOW_UTC });
    if (context.firstStage) {
      await insertRows(tx, "StageTransition", organizationId, TRANSITION_COLUMNS,
        creates.map((c) => ({ id: randomUUID(), clientId: c.id, toStageId: context.firstStage!.id, note: "Imported", occurredAt: now })));
    }
    await updateRows(tx, "Client", organizationId, COLUMNS, updates, { updatedAt: NOW_UTC });
  });
}

/** The columns the file has, as values to store (absent columns are left alone). */
function fieldsOf(row: ClientImportRow, present: Set<string>, context: Context): Partial<Record<string, unknown>> & { name: string } {
  const out: Record<string, unknown> = { name: row.name };
  for (const field of CARD_FIELDS) if (present.has(field)) out[field] = row[field];
  if (present.has("ownerEmail")) out.ownerId = row.ownerEmail ? context.users.get(row.ownerEmail)! : null;
  if (present.has("channel")) {
    out.channelId = row.channel ? context.channels.get(row.channel.toLowerCase())! : null;
    out.channelSource = row.channel ? "MANUAL" : null;
  }
  return out as Partial<Record<string, unknown>> & { name: string };
}

function differences(current: Existing, wanted: Record<string, unknown>, row: ClientImportRow): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(wanted)) {
    if (field === "channelSource") continue;
    if ((current as Record<string, unknown>)[field] !== value) changes[field] = value;
  }
  if ("channelId" in changes) changes.channelSource = wanted.channelSource;
  if (row.externalId && current.externalId !== row.externalId) changes.externalId = row.externalId;
  const merged = { ...(current.customFields as Record<string, unknown>), ...row.customFields };
  if (JSON.stringify(sortKeys(merged)) !== JSON.stringify(sortKeys(current.customFields as Record<string, unknown>))) changes.customFields = merged;
  return changes;
}

const sortKeys = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value ?? {}).sort(([a], [b]) => a.localeCompare(b)));
