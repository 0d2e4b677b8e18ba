import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/db/migrate.js";
import type { Database } from "../src/db/database.js";
import { parseStoredCriteria } from "../src/pipeline/criteria.js";
import { openTestDatabase } from "./helpers/database.js";

/**
 * Upgrades keep a team's data: rows written in the schema before the domain-rules pass (free-text outcomes,
 * criteria naming them, several open chases per invoice, mixed-case e-mails) come out valid in the new one.
 */
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let database: Database;

beforeAll(async () => {
  db = await openTestDatabase();
  database = db.database;
  await applyMigrations(database, { through: "20261124040000_analytics_indexes" });
  await database.exec(`
    INSERT INTO "Organization" (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Old Org');
    INSERT INTO "User" (id, "organizationId", email, name, role) VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'old@example.com', 'Old', 'MANAGER');
    INSERT INTO "Pipeline" (id, "organizationId", name, "isDefault") VALUES
      ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 'Sales', true),
      ('00000000-0000-4000-8000-000000000013', '00000000-0000-4000-8000-000000000001', 'Воронка', false);
    INSERT INTO "Stage" (id, "organizationId", "pipelineId", key, name, position, "exitCriteria") VALUES
      ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'contact_interest', 'Contact / interest', 2,
       '[{"kind": "ACTIVITY_SINCE_STAGE_ENTRY", "id": "contact.interest", "activityTypes": ["CALL", "MEETING"], "outcome": "interested"},
         {"kind": "ACTIVITY_SINCE_STAGE_ENTRY", "id": "custom", "activityTypes": ["CALL"], "outcome": "liked the demo"},
         {"kind": "CUSTOM_FIELD_FILLED", "id": "budget.known", "key": "budget"}]'),
      ('00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'closing', 'Closing', 5,
       '[{"kind": "ACTIVITY_SINCE_STAGE_ENTRY", "id": "closing.contract_signed", "activityTypes": ["CONTRACT_SIGNED"]},
         {"kind": "ORDER_PAID", "id": "closing.order_paid", "sinceStageEntry": false}]'),
      ('00000000-0000-4000-8000-000000000014', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000013', 'object', 'Объект', 0, '[]');
    INSERT INTO "Client" (id, "organizationId", name, "updatedAt") VALUES ('00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', 'Old client', now());
    INSERT INTO "Activity" (id, "organizationId", "clientId", type, outcome, body) VALUES
      ('00000000-0000-4000-8000-000000000007', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', 'CALL', ' Interested ', 'first call'),
      ('00000000-0000-4000-8000-000000000008', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', 'CALL', 'busy, call tomorrow', 'second call'),
      ('00000000-0000-4000-8000-000000000009', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', 'CALL', 'reactivation:lost', 'gone'),
      ('00000000-0000-4000-8000-000000000010', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', 'CALL', 'no answer', '');
    INSERT INTO "Contact" (id, "organizationId", "fullName", phones, emails, "updatedAt") VALUES
      ('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', 'Mixed Case', '{}', '{Ivan@Example.COM,b@c.d}', now());
    INSERT INTO "FollowUpRule" (id, "organizationId", name, trigger, "taskType", "taskTitle", "delayMinutes", "repeatEveryMinutes") VALUES
      ('00000000-0000-4000-8000-000000000020', '00000000-0000-4000-8000-000000000001', 'Chase', 'ORDER_INVOICED', 'PAYMENT_CHASE', 'Chase', 2880, 2880);
    INSERT INTO "Order" (id, "organizationId", "clientId", amount, "invoicedAt") VALUES
      ('00000000-0000-4000-8000-000000000021', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', 100, '2026-03-02');
    INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt", "ruleId", "orderId") VALUES
      ('00000000-0000-4000-8000-000000000022', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000006', 'PAYMENT_CHASE', 'Chase', '2026-03-04', '00000000-0000-4000-8000-000000000020', '00000000-0000-4000-8000-000000000021'),
      ('00000000-0000-4000-8000-000000000023', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000006', 'PAYMENT_CHASE', 'Chase', '2026-03-06', '00000000-0000-4000-8000-000000000020', '00000000-0000-4000-8000-000000000021');
  `);
  expect(await applyMigrations(database)).toContain("20261125000000_domain_rules_second_pass");
}, 60_000);
afterAll(() => db?.drop());

describe("upgrading to typed outcomes, hand-over and one chase per invoice", () => {
  it("maps known free-text outcomes to the enum and keeps unknown text in the body", async () => {
    const rows = await database.query<{ body: string; outcome: string | null }>(`SELECT body, outcome::text FROM "Activity" ORDER BY id`);
    expect(rows).toEqual([
      { body: "first call", outcome: "INTERESTED" },
      { body: "Outcome: busy, call tomorrow\nsecond call", outcome: null },
      { body: "gone", outcome: "CHURNED" },
      { body: "", outcome: "NO_ANSWER" },
    ]);
  });

  it("rewrites stored criteria so every stage still parses (keys, not ids), and the default Closing gains the new rules", async () => {
    const stages = await database.query<{ key: string; id: string; exitCriteria: unknown }>(`SELECT key, id, "exitCriteria" FROM "Stage" ORDER BY position`);
    const byKey = Object.fromEntries(stages.map((s) => [s.key, parseStoredCriteria(s.exitCriteria, s.id)]));
    expect(byKey.contact_interest).toEqual([
      { kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "contact.interest", activityTypes: ["CALL", "MEETING"], outcome: "INTERESTED" },
      { kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "custom", activityTypes: ["CALL"] },
      { kind: "CUSTOM_FIELD_FILLED", key: "budget.known", customFieldKey: "budget" },
    ]);
    expect(byKey.closing).toEqual([
      { kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "closing.contract_signed", activityTypes: ["CONTRACT_SIGNED"] },
      { kind: "ORDER_PAID", key: "closing.order_paid", sinceStageEntry: true },
      { kind: "ACCOUNT_MANAGER_ASSIGNED", key: "closing.account_manager" },
    ]);
    const languages = await database.query<{ name: string; language: string }>(`SELECT name, language FROM "Pipeline" ORDER BY name`);
    expect(languages).toEqual([{ name: "Sales", language: "en" }, { name: "Воронка", language: "ru" }]);
  });

  it("leaves one open chase per invoice (the latest) and lower-cases e-mails", async () => {
    const chases = await database.query<{ id: string; status: string }>(`SELECT id, status::text FROM "Task" ORDER BY "dueAt"`);
    expect(chases.map((c) => c.status)).toEqual(["CANCELLED", "OPEN"]);
    const [contact] = await database.query<{ emails: string[] }>(`SELECT emails FROM "Contact"`);
    expect(contact!.emails).toEqual(["ivan@example.com", "b@c.d"]);
  });
});
