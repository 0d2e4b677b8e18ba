import { stringify } from "csv-stringify/sync";

const PAGE = 1000;

/**
 * A CSV file streamed page by page (keyset on id via Prisma's cursor), so memory stays flat whatever the size of
 * the base: the header, then each page's rows as one chunk.
 */
export async function* pagedCsv<T extends { id: string }>(
  header: string[],
  page: (cursor: { cursor?: { id: string }; skip?: number; take: number }) => Promise<T[]>,
  rowsOf: (record: T) => unknown[][],
): AsyncGenerator<string> {
  yield stringify([header]);
  let after: string | undefined;
  for (;;) {
    const records = await page({ take: PAGE, ...(after ? { cursor: { id: after }, skip: 1 } : {}) });
    if (records.length) yield stringify(records.flatMap((r) => rowsOf(r).map((cells) => cells.map(cell))));
    if (records.length < PAGE) return;
    after = records[records.length - 1]!.id;
  }
}

/** Cells as the import reads them back: dates as ISO instants, nothing as empty. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** What a caller may export: their organization; a manager only the clients they own (and those clients' people and orders). */
export interface ExportScope {
  organizationId: string;
  ownerId?: string;
}
