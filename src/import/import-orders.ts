import { randomUUID } from "node:crypto";
import { clientIdsByExternalId, findAnyWay, inImportTransaction, insertRows, type ImportDatabase, updateRows, type BulkColumn } from "./bulk-sql.js";
import { epochMs } from "../shared/sql-time.js";
import type { CsvRow } from "./csv.js";
import { validateOrderRow, type OrderImportRow } from "./order-rows.js";
import { refuse, runImport, type ImportOptions, type ImportSpec, type ImportSummary } from "./run-import.js";

interface Context {
  organizationId: string;
  now: Date;
  /** Client external id → id, remembered across batches: a client's orders are spread over the whole file. */
  clientIds: Map<string, string>;
}

/** Enough for a large base; past it the memory is dropped and filled again from the database. */
const CLIENT_CACHE_LIMIT = 500_000;

const STORED = ["number", "amount", "invoicedAt", "paidAt", "shippedAt", "cancelledAt"] as const;
const COLUMNS: BulkColumn[] = [
  { name: "id", type: "uuid" }, { name: "clientId", type: "uuid" }, { name: "externalId", type: "text" }, { name: "number", type: "text" },
  { name: "amount", type: "numeric" }, { name: "invoicedAt", type: "timestamp" }, { name: "paidAt", type: "timestamp" },
  { name: "shippedAt", type: "timestamp" }, { name: "cancelledAt", type: "timestamp" },
];
const EXISTING = `o.id, o."externalId", o."clientId", o.number, o.amount::text AS amount, ${["invoicedAt", "paidAt", "shippedAt", "cancelledAt"].map((c) => epochMs(`o."${c}"`, c)).join(", ")}`;
interface Existing {
  id: string;
  externalId: string | null;
  clientId: string;
  number: string | null;
  amount: string;
  /** Dates as epoch milliseconds. */
  invoicedAt: number | null;
  paidAt: number | null;
  shippedAt: number | null;
  cancelledAt: number | null;
}

/**
 * Imports a purchase history. Each order names its client by the client's external id. An order matches an existing
 * one by its external id, else by its client and number; matches change only where the file differs. History is
 * history: no follow-up rule fires (no chase for an invoice paid years ago) and nothing is published; purchase
 * intervals, the reactivation sweep and ABC read the orders as they are.
 */
export function importOrders(db: ImportDatabase, rows: AsyncIterable<CsvRow>, options: ImportOptions): Promise<ImportSummary> {
  return runImport(db, rows, options, ORDERS);
}

const ORDERS: ImportSpec<OrderImportRow, Context> = {
  kind: "orders",
  loadContext: async (_prisma, organizationId) => ({ organizationId, now: new Date(), clientIds: new Map() }),
  tables: ["Order"],
  customFields: () => [],
  // A client's orders share a lane: an order is matched within its client (by external id or number).
  laneKey: (row) => row.clientExternalId,
  dedupeKey: (row) => (row.externalId ? { key: row.externalId, field: "externalId" } : { key: `${row.clientExternalId}\u0000${row.number}`, field: "number" }),
  validate: (line, cells, mapping, context) => validateOrderRow(line, cells, mapping, context.now),
  async writeBatch(db, context, rows, batch) {
    const { organizationId } = context;
    // This batch's own map, taken before any await: the other lane may clear the shared one meanwhile.
    const clientIds = new Map<string, string>();
    const unknown: string[] = [];
    for (const id of new Set(rows.map((r) => r.clientExternalId))) {
      const known = context.clientIds.get(id);
      if (known) clientIds.set(id, known);
      else unknown.push(id);
    }
    const found = await clientIdsByExternalId(db.sql, organizationId, unknown);
    if (context.clientIds.size + found.size > CLIENT_CACHE_LIMIT) context.clientIds.clear();
    for (const [externalId, id] of found) {
      clientIds.set(externalId, id);
      context.clientIds.set(externalId, id);
    }
    const placed = rows.filter((row) => {
      if (clientIds.has(row.clientExternalId)) return true;
      refuse(batch.summary, { line: row.line, column: batch.columnOf("clientExternalId"), message: `no client with the external id "${row.clientExternalId}"` });
      return false;
    });
    const numbered = placed.filter((r) => !r.externalId);
    const externalIds = placed.flatMap((r) => (r.externalId ? [r.externalId] : []));
    const existing = await findAnyWay<Existing>(db.sql, [
      { lookFor: externalIds, select: (p) => `SELECT ${EXISTING} FROM "Order" o WHERE o."organizationId" = ${p(organizationId)}::uuid AND o."externalId" = ANY(${p(externalIds)}::text[])` },
      {
        lookFor: numbered,
        select: (p) => `SELECT ${EXISTING} FROM "Order" o JOIN unnest(${p(numbered.map((r) => clientIds.get(r.clientExternalId)!))}::uuid[], ${p(numbered.map((r) => r.number))}::text[]) AS u(client_id, number)
          ON o."clientId" = u.client_id AND o.number = u.number WHERE o."organizationId" = ${p(organizationId)}::uuid`,
      },
    ]);
    const byExternalId = new Map(existing.flatMap((o) => (o.externalId ? [[o.externalId, o]] : [])));
    const byNumber = new Map(existing.map((o) => [`${o.clientId}:${o.number}`, o]));
    const creates: Record<string, unknown>[] = [];
    const updates: { id: string; data: Record<string, unknown> }[] = [];
    for (const row of placed) {
      const clientId = clientIds.get(row.clientExternalId)!;
      const match = row.externalId ? byExternalId.get(row.externalId) : byNumber.get(`${clientId}:${row.number}`);
      if (!match) {
        creates.push({ id: randomUUID(), clientId, externalId: row.externalId, number: row.number, amount: row.amount,
          invoicedAt: row.invoicedAt, paidAt: row.paidAt, shippedAt: row.shippedAt, cancelledAt: row.cancelledAt });
        continue;
      }
      const changes: Record<string, unknown> = {};
      for (const field of STORED) {
        if (!batch.present.has(field)) continue;
        const now = match[field];
        const wanted = row[field];
        const same = field === "amount" ? Number(now) === Number(wanted) : wanted instanceof Date ? now === wanted.getTime() : now === wanted;
        if (!same) changes[field] = wanted;
      }
      if (match.clientId !== clientId) changes.clientId = clientId;
      if (Object.keys(changes).length === 0) batch.summary.unchanged++;
      else updates.push({ id: match.id, data: changes });
    }
    batch.summary.created += creates.length;
    batch.summary.updated += updates.length;
    if (batch.dryRun) return;
    await inImportTransaction(db, async (tx) => {
      await insertRows(tx, "Order", organizationId, COLUMNS, creates);
      await updateRows(tx, "Order", organizationId, COLUMNS, updates);
    });
  },
};
