import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { CsvRow } from "./csv.js";
import { validateOrderRow, type OrderImportRow } from "./order-rows.js";
import { refuse, runImport, type ImportOptions, type ImportSpec, type ImportSummary } from "./run-import.js";

interface Context {
  organizationId: string;
  now: Date;
}

const STORED = ["number", "amount", "invoicedAt", "paidAt", "shippedAt", "cancelledAt"] as const;

/**
 * Imports a purchase history. Each order names its client by the client's external id. An order matches an existing
 * one by its external id, else by its client and number; matches change only where the file differs. History is
 * history: no follow-up rule fires (no chase for an invoice paid years ago) and nothing is published; purchase
 * intervals, the reactivation sweep and ABC read the orders as they are.
 */
export function importOrders(prisma: PrismaClient, rows: AsyncIterable<CsvRow>, options: ImportOptions): Promise<ImportSummary> {
  return runImport(prisma, rows, options, ORDERS);
}

const ORDERS: ImportSpec<OrderImportRow, Context> = {
  kind: "orders",
  loadContext: async (_prisma, organizationId) => ({ organizationId, now: new Date() }),
  customFields: () => [],
  validate: (line, cells, mapping, context) => validateOrderRow(line, cells, mapping, context.now),
  async writeBatch(prisma, context, rows, batch) {
    const { organizationId } = context;
    const clients = await prisma.client.findMany({
      where: { organizationId, externalId: { in: [...new Set(rows.map((r) => r.clientExternalId))] } },
      select: { id: true, externalId: true },
    });
    const clientIds = new Map(clients.map((c) => [c.externalId!, c.id]));
    const placed = rows.filter((row) => {
      if (clientIds.has(row.clientExternalId)) return true;
      refuse(batch.summary, { line: row.line, column: batch.columnOf("clientExternalId"), message: `no client with the external id "${row.clientExternalId}"` });
      return false;
    });
    const externalIds = placed.flatMap((r) => (r.externalId ? [r.externalId] : []));
    const numbered = placed.filter((r) => !r.externalId);
    const existing = await prisma.order.findMany({
      where: {
        organizationId,
        OR: [
          ...(externalIds.length ? [{ externalId: { in: externalIds } }] : []),
          ...numbered.map((r) => ({ clientId: clientIds.get(r.clientExternalId)!, number: r.number })),
        ],
      },
    });
    const byExternalId = new Map(existing.flatMap((o) => (o.externalId ? [[o.externalId, o]] : [])));
    const byNumber = new Map(existing.map((o) => [`${o.clientId}:${o.number}`, o]));
    const creates: Prisma.OrderCreateManyInput[] = [];
    const updates: { id: string; data: Prisma.OrderUncheckedUpdateManyInput }[] = [];
    for (const row of placed) {
      const clientId = clientIds.get(row.clientExternalId)!;
      const match = row.externalId ? byExternalId.get(row.externalId) : byNumber.get(`${clientId}:${row.number}`);
      if (!match) {
        creates.push({ id: randomUUID(), organizationId, clientId, externalId: row.externalId, number: row.number, amount: row.amount,
          invoicedAt: row.invoicedAt, paidAt: row.paidAt, shippedAt: row.shippedAt, cancelledAt: row.cancelledAt });
        continue;
      }
      const changes: Record<string, unknown> = {};
      for (const field of STORED) {
        if (!batch.present.has(field)) continue;
        const now = match[field];
        const wanted = row[field];
        const same = now instanceof Date || wanted instanceof Date
          ? (now as Date | null)?.getTime() === (wanted as Date | null)?.getTime()
          : field === "amount" ? Number(now) === Number(wanted) : now === wanted;
        if (!same) changes[field] = wanted;
      }
      if (match.clientId !== clientId) changes.clientId = clientId;
      if (Object.keys(changes).length === 0) batch.summary.unchanged++;
      else updates.push({ id: match.id, data: changes as Prisma.OrderUncheckedUpdateManyInput });
    }
    batch.summary.created += creates.length;
    batch.summary.updated += updates.length;
    if (batch.dryRun) return;
    await prisma.$transaction(async (tx) => {
      if (creates.length) await tx.order.createMany({ data: creates });
      for (const { id, data } of updates) await tx.order.updateMany({ where: { id, organizationId }, data: { ...data, version: { increment: 1 } } });
    }, { timeout: 120_000, maxWait: 30_000 });
  },
};
