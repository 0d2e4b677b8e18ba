import type { PrismaClient } from "../generated/prisma/client.js";
import { hashPassword } from "../auth/password.js";
import { provisionOrganization } from "../organizations/provision.js";

export const DEMO_PASSWORD = "demo-password";
export const DEMO_HEAD_EMAIL = "head@demo.example";
const DAY_MS = 86_400_000;

const COMPANIES = [
  "Aurora Logistics", "Baltic Timber", "Cedar Dental", "Delta Print", "Ember Foods", "Fjord Travel", "Granite Build",
  "Harbor Fitness", "Iris Flowers", "Juniper Legal", "Krona Motors", "Lumen Optics", "Maple Bakery", "Nord Hardware",
  "Orbit IT", "Pine Furniture", "Quartz Jewelry", "River Coffee", "Sable Fashion", "Taiga Outdoor", "Ural Metals",
  "Volga Boats", "Willow Spa", "Xeno Labs", "Yarrow Pharmacy", "Zenith Realty", "Amber Tea", "Birch School",
  "Coral Clinic", "Dune Solar",
];

/** One organization, a head of sales, two managers and ~30 clients spread over the pipeline. Idempotent: skips if present. */
export async function seedDemo(prisma: PrismaClient, now = new Date()): Promise<{ seeded: boolean; headUserId: string }> {
  const existing = await prisma.user.findUnique({ where: { email: DEMO_HEAD_EMAIL } });
  if (existing) return { seeded: false, headUserId: existing.id };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return prisma.$transaction(
    async (tx) => {
      const { organization, pipeline } = await provisionOrganization(tx, { name: "Demo Trading Co", timezone: "Europe/Moscow" });
      const org = organization.id;
      await tx.user.create({ data: { organizationId: org, email: "admin@demo.example", name: "Alex Admin", role: "ADMIN", passwordHash } });
      const head = await tx.user.create({ data: { organizationId: org, email: DEMO_HEAD_EMAIL, name: "Helen Head", role: "HEAD_OF_SALES", passwordHash } });
      const managers = await Promise.all(
        ["Maria Manager", "Mikhail Manager"].map((name, i) =>
          tx.user.create({ data: { organizationId: org, email: `manager${i + 1}@demo.example`, name, role: "MANAGER", passwordHash } }),
        ),
      );
      const channels = await Promise.all(
        [
          { name: "Context ads", trackingPhone: "+74950000001", utmSource: "yandex" },
          { name: "Exhibitions", trackingPhone: "+74950000002", utmSource: null },
          { name: "Referrals", trackingPhone: null, utmSource: "referral" },
        ].map((c) => tx.channel.create({ data: { ...c, organizationId: org } })),
      );
      const stages = await tx.stage.findMany({ where: { pipelineId: pipeline.id }, orderBy: { position: "asc" } });
      for (const [i, name] of COMPANIES.entries()) {
        const stage = stages[i % stages.length]!;
        const owner = managers[i % managers.length]!;
        const enteredAt = new Date(now.getTime() - (i + 1) * 86_400_000);
        const client = await tx.client.create({
          data: {
            organizationId: org,
            name,
            website: `https://${name.toLowerCase().replace(/\s+/g, "-")}.example`,
            phone: `+7495100${String(1000 + i)}`,
            businessDescription: i % 2 ? `${name} sells to local businesses` : null,
            ownerId: owner.id,
            channelId: channels[i % channels.length]!.id,
            channelSource: "MANUAL",
            pipelineId: pipeline.id,
            stageId: stage.id,
            stageEnteredAt: enteredAt,
          },
        });
        await tx.stageTransition.create({
          data: { organizationId: org, clientId: client.id, toStageId: stage.id, actorId: owner.id, occurredAt: enteredAt },
        });
        const contact = await tx.contact.create({
          data: { organizationId: org, fullName: `Director of ${name}`, phones: [`+7916200${String(1000 + i)}`], emails: [] },
        });
        await tx.employment.create({
          data: { organizationId: org, contactId: contact.id, clientId: client.id, title: "Director", isDecisionMaker: true, directPhone: `+7916200${String(1000 + i)}`, startedAt: enteredAt },
        });
        await tx.activity.createMany({
          data: [
            { organizationId: org, clientId: client.id, authorId: owner.id, type: "NOTE", body: `Found ${name} via ${channels[i % channels.length]!.name}`, occurredAt: enteredAt },
            { organizationId: org, clientId: client.id, contactId: contact.id, authorId: owner.id, type: "CALL", outcome: i % 3 ? "INTERESTED" : "NO_ANSWER", body: "Intro call", occurredAt: new Date(enteredAt.getTime() + 3_600_000) },
          ],
        });
        // A purchase history (some clients have lapsed, so the first sweep fills the reactivation list) and
        // a few calls coming due in the next minutes, so a reminderDue subscriber sees pushes right away.
        if (i % 2 === 0) {
          const lastPurchase = now.getTime() - (5 + i * 6) * DAY_MS;
          await tx.order.createMany({
            data: [0, 1, 2].map((k) => {
              const paidAt = new Date(lastPurchase - k * 30 * DAY_MS);
              return { organizationId: org, clientId: client.id, amount: String(5000 + i * 500), invoicedAt: paidAt, paidAt };
            }),
          });
        }
        if (i % 3 === 0) {
          await tx.task.create({
            data: { organizationId: org, assigneeId: owner.id, clientId: client.id, type: "CALL", title: `Call ${name}`, dueAt: new Date(now.getTime() + (i + 2) * 60_000) },
          });
        }
      }
      return { seeded: true, headUserId: head.id };
    },
    { timeout: 60_000 },
  );
}
