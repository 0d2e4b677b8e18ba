import type { PrismaClient } from "../generated/prisma/client.js";
import type { ImportDatabase } from "./bulk-sql.js";
import { SeenKeys } from "./seen-keys.js";
import type { RowIssue } from "./client-rows.js";
import { columnOf, mapColumns, type ColumnMapping, type CustomFieldRef, type ImportKind } from "./columns.js";
import type { CsvRow } from "./csv.js";

export interface ImportOptions {
  organizationId: string;
  /** Report what a real run would create, update and refuse; write nothing. */
  dryRun?: boolean;
  /** File header → field name, over the automatic matching. */
  mapping?: Record<string, string>;
  /** After each batch is written: the counts so far. */
  onProgress?: (summary: Readonly<ImportSummary>) => void;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  /** Refused rows' problems, with line and column: all of them up to MAX_ISSUES. */
  issues: RowIssue[];
  /** Columns that match no field: not imported. */
  unknownColumns: string[];
}

/** What one kind of record (clients, orders…) brings to the shared import loop. */
export interface ImportSpec<Row extends { line: number; externalId: string | null }, Context> {
  kind: ImportKind;
  loadContext(prisma: PrismaClient, organizationId: string): Promise<Context>;
  customFields(context: Context): CustomFieldRef[];
  /**
   * What may appear once per file, and the field that names it (default: the external id); a person with two jobs
   * has one row per job.
   */
  dedupeKey?(row: Row): { key: string; field: string } | null;
  /** Checks one row on its own (and against what the context knows). */
  validate(line: number, cells: Record<string, string>, mapping: ColumnMapping, context: Context): { row: Row | null; issues: RowIssue[] };
  /** The tables a run writes, analysed as they grow (see `analyseAsTheyGrow`). */
  tables: string[];
  /**
   * The record a row belongs to (its client for an order, the person for a contact's job). Rows with the same key
   * share a lane and are written in file order; without a lane key everything is one lane.
   */
  laneKey?(row: Row): string;
  /** Writes (or, in a dry run, only counts) one batch of valid rows in one transaction; may refuse rows it cannot place. */
  writeBatch(db: ImportDatabase, context: Context, rows: Row[], batch: BatchInfo): Promise<void>;
}

export interface BatchInfo {
  /** The fields the file has: a re-import leaves the others alone. */
  present: Set<string>;
  dryRun: boolean;
  summary: ImportSummary;
  /** The file's header for a field, to report a problem in the file's words. */
  columnOf(field: string): string;
}

const BATCH = 1000;
/** Lanes writing at once: one per core of the machine this was measured on (BENCHMARKS.md, bulk import). */
const LANES = 2;

/** FNV-1a, 32-bit: spreads keys over lanes; only needs to be stable within a run (no library does just this). */
function laneOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % LANES;
}

/** The file is unusable as a whole (a required column is missing). */
export class ImportFileError extends Error {}

/**
 * The import loop every kind shares: match the columns once, validate row by row, refuse an external id repeated in
 * the file, and hand valid rows to the kind's writer in batches, so memory stays flat and each batch is one transaction.
 */
export async function runImport<Row extends { line: number; externalId: string | null }, Context>(
  db: ImportDatabase,
  rows: AsyncIterable<CsvRow>,
  options: ImportOptions,
  spec: ImportSpec<Row, Context>,
): Promise<ImportSummary> {
  const context = await spec.loadContext(db.prisma, options.organizationId);
  const summary: ImportSummary = { rows: 0, created: 0, updated: 0, unchanged: 0, refused: 0, issues: [], unknownColumns: [] };
  let mapping: ColumnMapping | null = null;
  let info: BatchInfo | null = null;
  const seen = new SeenKeys();
  // The database writes while this thread reads and checks the next rows, so both cores work. Rows go into lanes by
  // their kind's lane key (the record they belong to); each lane writes its batches one after another, so a record
  // met again in a later row is found, not created twice, while the lanes write at the same time.
  const lanes = Array.from({ length: spec.laneKey ? LANES : 1 }, () => ({ batch: [] as Row[], writing: Promise.resolve() }));
  const analyser = analyseAsTheyGrow(db, spec.tables);
  const flush = async (lane: (typeof lanes)[number]) => {
    await lane.writing;
    if (!lane.batch.length) return;
    lane.writing = spec.writeBatch(db, context, lane.batch, info!).then(async () => {
      if (!info!.dryRun) await analyser.batchWritten();
      options.onProgress?.(summary);
    });
    lane.writing.catch(() => {}); // awaited (and thrown) by the lane's next flush
    lane.batch = [];
  };
  for await (const { line, cells } of rows) {
    if (!mapping) {
      const found = mapColumns(spec.kind, Object.keys(cells), spec.customFields(context), options.mapping);
      mapping = found;
      summary.unknownColumns = found.unknown;
      if (found.missing.length) throw new ImportFileError(`the file has no column for ${found.missing.join(", ")} (columns: ${Object.keys(cells).join(", ")})`);
      info = { present: new Set(found.fields.values()), dryRun: options.dryRun ?? false, summary, columnOf: (field) => columnOf(found, field) };
    }
    summary.rows++;
    const { row, issues } = spec.validate(line, cells, mapping, context);
    const all = [...issues];
    const once = row ? (spec.dedupeKey ? spec.dedupeKey(row) : row.externalId ? { key: row.externalId, field: "externalId" } : null) : null;
    if (row && once) {
      const first = seen.firstLine(once.key, line);
      const named = once.field === "externalId" ? `"${row.externalId}"` : "the same record";
      if (first !== undefined) all.push({ line, column: info!.columnOf(once.field), message: `${named} is also on line ${first}` });
    }
    if (!row || all.length) {
      summary.refused++;
      keepIssues(summary, all);
      continue;
    }
    const lane = lanes[spec.laneKey ? laneOf(spec.laneKey(row)) : 0]!;
    lane.batch.push(row);
    if (lane.batch.length >= BATCH) await flush(lane);
  }
  for (const lane of lanes) await flush(lane);
  for (const lane of lanes) await lane.writing;
  summary.issues.sort((a, b) => a.line - b.line); // lanes finish in any order; a report reads in file order
  if (info && !info.dryRun && summary.created + summary.updated > 0) await analyser.analyse();
  return summary;
}

/**
 * PostgreSQL plans from table statistics. A table that grows from nothing to a million rows within one import would
 * be planned as if still empty until autovacuum analyses it (or never, where autovacuum is off), and the per-batch
 * lookups would turn into scans. So the import analyses its tables itself after batches 1, 4, 16, 64… (a growing
 * table is re-measured each time it has grown about fourfold) and once at the end, as PostgreSQL's documentation
 * advises after a bulk load. ANALYZE samples a fixed number of rows, so each costs about the same whatever the size.
 */
function analyseAsTheyGrow(db: ImportDatabase, tables: string[]) {
  let batches = 0;
  const analyse = async () => {
    for (const table of tables) await db.sql.query(`ANALYZE "${table}"`);
  };
  return {
    analyse,
    async batchWritten() {
      batches++;
      if ((batches & (batches - 1)) === 0 && Math.log2(batches) % 2 === 0) await analyse();
    },
  };
}

/** Refuses a row the writer cannot place (e.g. an order of an unknown client). */
export function refuse(summary: ImportSummary, issue: RowIssue) {
  summary.refused++;
  keepIssues(summary, [issue]);
}

/** Rows' problems kept in full for the first MAX_ISSUES; beyond that only `refused` counts (a wrong file stays cheap). */
export const MAX_ISSUES = 10_000;

function keepIssues(summary: ImportSummary, issues: RowIssue[]) {
  for (const issue of issues) if (summary.issues.length < MAX_ISSUES) summary.issues.push(issue);
}
