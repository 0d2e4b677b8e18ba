import type { PrismaClient } from "../generated/prisma/client.js";
import { pagedCsv, type ExportScope } from "./paged-csv.js";

/**
 * A purchase history as CSV in the orders import's format. Orders and their clients are named by external id
 * (their own id when they have none), so the file imports back into another organization next to the clients export.
 */
export async function* exportOrdersCsv(prisma: PrismaClient, scope: ExportScope): AsyncGenerator<string> {
  yield* pagedCsv(
    ["externalId", "clientExternalId", "number", "amount", "invoicedAt", "paidAt", "shippedAt", "cancelledAt"],
    (page) =>
      prisma.order.findMany({
        ...page,
        where: { organizationId: scope.organizationId, ...(scope.ownerId ? { client: { ownerId: scope.ownerId } } : {}) },
        orderBy: [{ invoicedAt: { sort: "asc", nulls: "first" } }, { externalId: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        select: {
          id: true, externalId: true, number: true, amount: true, invoicedAt: true, paidAt: true, shippedAt: true, cancelledAt: true,
          client: { select: { id: true, externalId: true } },
        },
      }),
    (o) => [[o.externalId ?? o.id, o.client.externalId ?? o.client.id, o.number, o.amount.toFixed(2), o.invoicedAt, o.paidAt, o.shippedAt, o.cancelledAt]],
  );
}
