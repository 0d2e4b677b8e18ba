import type { PrismaClient } from "../../src/generated/prisma/client.js";

/** A small random organization: clients with nulls and ties, current and former contacts, tasks and activities. */
export async function seedOrganization(prisma: PrismaClient, organizationId: string, adminId: string, rand: () => number) {
  const users = [adminId];
  for (let i = 0; i < 3; i++) {
    const user = await prisma.user.create({
      data: { organizationId, name: `User ${i % 2}`, email: `u${i}-${organizationId}@seed.test`, role: i === 0 ? "HEAD_OF_SALES" : "MANAGER" },
    });
    users.push(user.id);
  }
  const stages = await prisma.stage.findMany({ where: { organizationId }, select: { id: true } });
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const maybe = <T>(value: T) => (rand() < 0.3 ? null : value);
  const base = Date.UTC(2026, 0, 1);
  // Few distinct names and dates, so ordering ties (broken by id) are common.
  const names = ["Acme", "acme", "Beta 50%", "Gamma_1", "Delta", "Ёлка", "Zeta"];
  const clients: string[] = [];
  for (let i = 0; i < 24; i++) {
    const client = await prisma.client.create({
      data: {
        organizationId,
        name: pick(names),
        kind: rand() < 0.5 ? "COMPANY" : "PERSON",
        phone: maybe(`+7916${String(1000000 + i)}`),
        email: maybe(`c${i}@client.test`),
        website: maybe(`https://c${i}.example/`),
        ownerId: maybe(pick(users)),
        stageId: maybe(pick(stages).id),
        stageEnteredAt: maybe(new Date(base + Math.floor(rand() * 4) * 86_400_000)),
        abcClass: maybe(pick(["A", "B", "C"])),
        customFields: rand() < 0.5 ? { size: Math.floor(rand() * 100), tags: ["x", "y"], note: "ё \"q\"" } : {},
        businessDescription: maybe("Sells tea"),
      },
    });
    clients.push(client.id);
  }
  for (let i = 0; i < 30; i++) {
    const contact = await prisma.contact.create({
      data: { organizationId, fullName: pick(["Ivan Petrov", "Anna", "anna", "Oleg 100%"]), phones: rand() < 0.5 ? ["+79161234567"] : [], emails: rand() < 0.5 ? ["anna@example.com"] : [] },
    });
    const jobs = 1 + Math.floor(rand() * 2);
    for (let k = 0; k < jobs; k++) {
      const started = new Date(base + Math.floor(rand() * 3) * 86_400_000);
      await prisma.employment.create({
        data: {
          organizationId,
          contactId: contact.id,
          clientId: pick(clients),
          title: maybe(pick(["CEO", "Buyer"])),
          isDecisionMaker: rand() < 0.5,
          directPhone: maybe("+79160000000"),
          startedAt: started,
          endedAt: rand() < 0.3 ? new Date(started.getTime() + 86_400_000) : null,
        },
      });
    }
  }
  const now = Date.now();
  for (let i = 0; i < 60; i++) {
    await prisma.task.create({
      data: {
        organizationId,
        assigneeId: pick(users),
        creatorId: maybe(pick(users)),
        clientId: maybe(pick(clients)),
        type: pick(["CALL", "FOLLOW_UP", "MEETING", "PAYMENT_CHASE"] as const),
        title: pick(["Call", "Send offer", "Chase"]),
        // Due between yesterday and tomorrow, on whole hours: ties again.
        dueAt: new Date(Math.floor(now / 3_600_000) * 3_600_000 + (Math.floor(rand() * 48) - 24) * 3_600_000),
        status: pick(["OPEN", "OPEN", "DONE", "CANCELLED"] as const),
        result: maybe("ok"),
      },
    });
  }
  // Money prints without trailing zeros on the Pothos path ("9000.00" is "9000"): amounts that test it.
  for (let i = 0; i < 30; i++) {
    const invoiced = maybe(new Date(base + i * 86_400_000));
    await prisma.order.create({
      data: {
        organizationId,
        clientId: pick(clients),
        number: maybe(`INV-${i}`),
        amount: pick(["9000.00", "0.10", "12345.5", "1", "999999999999.99", "0"]),
        invoicedAt: invoiced,
        paidAt: invoiced && rand() < 0.5 ? new Date(invoiced.getTime() + 3_600_000) : null,
      },
    });
  }
  for (let i = 0; i < 12; i++) {
    await prisma.reactivationEntry.create({
      data: {
        organizationId,
        clientId: clients[i]!, // at most one open entry per client
        assigneeId: maybe(pick(users)),
        status: pick(["OPEN", "OPEN", "WON_BACK", "LOST"] as const),
        lastPurchaseAt: new Date(base - i * 86_400_000),
        expectedIntervalDays: pick(["30.00", "12.50", "7"]),
        // Ties on openedAt, broken by id.
        openedAt: new Date(base + Math.floor(rand() * 3) * 86_400_000),
      },
    });
  }
  for (let i = 0; i < 40; i++) {
    await prisma.activity.create({
      data: { organizationId, clientId: pick(clients), authorId: maybe(pick(users)), type: pick(["NOTE", "CALL", "MEETING"] as const), body: `b${i}` },
    });
  }
  return { clients, users };
}
