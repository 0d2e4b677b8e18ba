import type { PrismaClient } from "../generated/prisma/client.js";
import type { ImportDatabase } from "./bulk-sql.js";
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
   * How many batches may be written at once (default 1). More only for kinds where the per-file de-duplication key
   * already guarantees that no two batches touch the same record.
   */
  parallelBatches?: number;
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
  let batch: Row[] = [];
  const seen = new Map<string, number>();
  // The database writes while this thread reads and checks the next batch, so both cores work. By default a batch
  // is matched only after the previous one is written, so a record repeated across batches is found, not created
  // twice; kinds whose rows can never meet across batches (see parallelBatches) write several at once.
  const writing: Promise<void>[] = [];
  const analyser = analyseAsTheyGrow(db, spec.tables);
  const flush = async () => {
    while (writing.length >= (spec.parallelBatches ?? 1)) await writing.shift();
    if (!batch.length) return;
    const written = spec.writeBatch(db, context, batch, info!).then(async () => {
      if (!info!.dryRun) await analyser.batchWritten();
      options.onProgress?.(summary);
    });
    written.catch(() => {}); // awaited (and thrown) by a later flush
    writing.push(written);
    batch = [];
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
      const first = seen.get(once.key);
      const named = once.field === "externalId" ? `"${row.externalId}"` : "the same record";
      if (first !== undefined) all.push({ line, column: info!.columnOf(once.field), message: `${named} is also on line ${first}` });
      else seen.set(once.key, line);
    }
    if (!row || all.length) {
      summary.refused++;
      keepIssues(summary, all);
      continue;
    }
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  while (writing.length) await writing.shift();
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
