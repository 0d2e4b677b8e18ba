import type { Prisma } from "../generated/prisma/client.js";
import type { ClientFacts } from "./criteria.js";

interface ClientRow {
  id: string;
  organizationId: string;
  stageEnteredAt: Date | null;
}

/**
 * Gathers everything the criteria engine looks at for one client in a single Prisma query (its relation loads
 * are a fixed number of statements, never one per rule or per row).
 */
export async function loadClientFacts(db: Prisma.TransactionClient, client: ClientRow): Promise<ClientFacts> {
  const since = client.stageEnteredAt;
  const row = await db.client.findFirstOrThrow({
    where: { id: client.id, organizationId: client.organizationId },
    select: {
      name: true, website: true, phone: true, email: true, businessDescription: true, targetAudience: true,
      competitors: true, problemsFound: true, proposedSolutions: true, customFields: true, stageEnteredAt: true,
      accountManager: { select: { active: true } },
      employments: {
        where: { endedAt: null, isDecisionMaker: true },
        select: { contactId: true, directPhone: true, contact: { select: { fullName: true } } },
      },
      activities: { where: since ? { occurredAt: { gte: since } } : {}, select: { type: true, outcome: true } },
      tasks: { where: { status: "OPEN" }, select: { type: true, dueAt: true } },
      orders: { where: { paidAt: { not: null }, cancelledAt: null }, select: { paidAt: true } },
    },
  });
  const { customFields, stageEnteredAt, employments, activities, tasks, orders, accountManager, ...card } = row;
  return {
    card,
    customFields: isRecord(customFields) ? customFields : {},
    decisionMakers: employments.map((e) => ({ contactId: e.contactId, fullName: e.contact.fullName, directPhone: e.directPhone })),
    activitiesSinceEntry: activities,
    openTasks: tasks,
    paidOrders: orders.flatMap((o) => (o.paidAt ? [{ paidAt: o.paidAt }] : [])),
    stageEnteredAt,
    hasAccountManager: accountManager?.active === true,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
