import { stringify } from "csv-stringify/sync";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

const BATCH = 1000;
const CARD_COLUMNS = ["name", "kind", "website", "phone", "email", "businessDescription", "targetAudience", "competitors", "problemsFound", "proposedSolutions"] as const;

/**
 * Streams clients as CSV in the import's own format (API field names as headers, custom fields by key), so a file
 * exported here imports back unchanged. `externalId` is the client's external id, or its own id when it has none:
 * importing the export elsewhere and exporting again gives the same file. Read in batches with a cursor, so memory
 * stays flat whatever the size of the base.
 */
export async function* exportClientsCsv(prisma: PrismaClient, where: Prisma.ClientWhereInput & { organizationId: string }): AsyncGenerator<string> {
  const definitions = await prisma.customFieldDefinition.findMany({ where: { organizationId: where.organizationId, entity: "CLIENT" }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  const customKeys = definitions.map((d) => d.key);
  yield stringify([["externalId", ...CARD_COLUMNS, "ownerEmail", "channel", ...customKeys]]);
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.client.findMany({
      where,
      // By name, then the exported key: the same base exported from two organizations lists rows in the same order.
      orderBy: [{ name: "asc" }, { externalId: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: {
        id: true, externalId: true, name: true, kind: true, website: true, phone: true, email: true, businessDescription: true, targetAudience: true,
        competitors: true, problemsFound: true, proposedSolutions: true, customFields: true, owner: { select: { email: true } }, channel: { select: { name: true } },
      },
    });
    if (page.length === 0) return;
    yield stringify(page.map((c) => {
      const custom = (c.customFields ?? {}) as Record<string, unknown>;
      return [c.externalId ?? c.id, ...CARD_COLUMNS.map((column) => c[column] ?? ""), c.owner?.email ?? "", c.channel?.name ?? "", ...customKeys.map((key) => cell(custom[key]))];
    }));
    cursor = page[page.length - 1]!.id;
    if (page.length < BATCH) return;
  }
}

const cell = (value: unknown) => (value === undefined || value === null ? "" : String(value));
