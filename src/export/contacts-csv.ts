import type { PrismaClient } from "../generated/prisma/client.js";
import { pagedCsv, type ExportScope } from "./paged-csv.js";

/**
 * People as CSV in the contacts import's format: one row per job (a person with two jobs has two rows, the same
 * external id), a person without a job on one row with the job columns empty. Several phones or e-mails share a
 * cell, separated by "; ". Clients are named by their external id (their own id when they have none), as the
 * clients export names them.
 */
export async function* exportContactsCsv(prisma: PrismaClient, scope: ExportScope): AsyncGenerator<string> {
  const definitions = await prisma.customFieldDefinition.findMany({ where: { organizationId: scope.organizationId, entity: "CONTACT" }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  const customKeys = definitions.map((d) => d.key);
  const ownJobs = scope.ownerId ? { client: { ownerId: scope.ownerId } } : {};
  yield* pagedCsv(
    ["externalId", "fullName", "phones", "emails", "clientExternalId", "title", "isDecisionMaker", "directPhone", "startedAt", "endedAt", ...customKeys],
    (page) =>
      prisma.contact.findMany({
        ...page,
        where: { organizationId: scope.organizationId, ...(scope.ownerId ? { employments: { some: ownJobs } } : {}) },
        orderBy: [{ fullName: "asc" }, { externalId: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        select: {
          id: true, externalId: true, fullName: true, phones: true, emails: true, customFields: true,
          employments: {
            where: ownJobs,
            orderBy: [{ startedAt: "asc" }, { id: "asc" }],
            select: { title: true, isDecisionMaker: true, directPhone: true, startedAt: true, endedAt: true, client: { select: { id: true, externalId: true } } },
          },
        },
      }),
    (c) => {
      const custom = (c.customFields ?? {}) as Record<string, unknown>;
      const person = [c.externalId ?? c.id, c.fullName, c.phones.join("; "), c.emails.join("; ")];
      const extra = customKeys.map((key) => custom[key]);
      if (!c.employments.length) return [[...person, null, null, null, null, null, null, ...extra]];
      return c.employments.map((job) => [
        ...person, job.client.externalId ?? job.client.id, job.title, job.isDecisionMaker ? "yes" : "no", job.directPhone, job.startedAt, job.endedAt, ...extra,
      ]);
    },
  );
}
