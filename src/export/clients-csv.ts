import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { pagedCsv, type ExportScope } from "./paged-csv.js";

const CARD_COLUMNS = ["name", "kind", "website", "phone", "email", "businessDescription", "targetAudience", "competitors", "problemsFound", "proposedSolutions"] as const;

/**
 * Clients as CSV in the import's own format (API field names as headers, custom fields by key), so a file exported
 * here imports back unchanged. `externalId` is the client's external id, or its own id when it has none: importing
 * the export elsewhere and exporting again gives the same file.
 */
export async function* exportClientsCsv(prisma: PrismaClient, scope: ExportScope, where: Prisma.ClientWhereInput = {}): AsyncGenerator<string> {
  const definitions = await prisma.customFieldDefinition.findMany({ where: { organizationId: scope.organizationId, entity: "CLIENT" }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  const customKeys = definitions.map((d) => d.key);
  yield* pagedCsv(
    ["externalId", ...CARD_COLUMNS, "ownerEmail", "channel", ...customKeys],
    (page) =>
      prisma.client.findMany({
        ...page,
        where: { ...where, organizationId: scope.organizationId, ...(scope.ownerId ? { ownerId: scope.ownerId } : {}) },
        // By name, then the exported key: the same base exported from two organizations lists rows in the same order.
        orderBy: [{ name: "asc" }, { externalId: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        select: {
          id: true, externalId: true, name: true, kind: true, website: true, phone: true, email: true, businessDescription: true, targetAudience: true,
          competitors: true, problemsFound: true, proposedSolutions: true, customFields: true, owner: { select: { email: true } }, channel: { select: { name: true } },
        },
      }),
    (c) => {
      const custom = (c.customFields ?? {}) as Record<string, unknown>;
      return [[c.externalId ?? c.id, ...CARD_COLUMNS.map((column) => c[column]), c.owner?.email, c.channel?.name, ...customKeys.map((key) => custom[key])]];
    },
  );
}
