// Load-test fixture: a fresh crm_bench_load database with one organization, 20 managers and a head of sales,
// and 10,000 clients, each in a pipeline stage with an owner, two contacts (employments), three open tasks and a done
// one, five activities and two orders (one paid).
import { recreateDatabase, MANAGERS } from "../scale-data.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrate.js";
import { provisionOrganization } from "../../src/organizations/provision.js";

export async function seedLoadData(url: string, clients: number): Promise<{ organizationId: string; headId: string; managerId: string; cardClientId: string }> {
  await recreateDatabase(url);
  const db = await openDatabase(url);
  try {
    await applyMigrations(db);
    const { organization, pipeline } = await db.prisma.$transaction((tx) => provisionOrganization(tx, { name: "Load" }));
    const org = organization.id;
    // One connection (the temp tables live in it), one step at a time, each announced: seeding takes a while.
    const steps: [string, string][] = [
      [`users (${MANAGERS + 1})`, `
      INSERT INTO "User" (id, "organizationId", email, name, role)
      SELECT gen_random_uuid(), '${org}', 'u' || g || '@load.test', 'User ' || g,
             CASE WHEN g = 0 THEN 'HEAD_OF_SALES'::"Role" ELSE 'MANAGER'::"Role" END
      FROM generate_series(0, ${MANAGERS}) g`],
      [`manager list`, `
      CREATE TEMP TABLE managers AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM "User" WHERE role = 'MANAGER'`],
      [`stage list`, `
      CREATE TEMP TABLE stages AS SELECT id, row_number() OVER (ORDER BY position) - 1 AS rn FROM "Stage" WHERE "pipelineId" = '${pipeline.id}' AND kind = 'ACTIVE'`],
      [`clients (${clients})`, `
      INSERT INTO "Client" (id, "organizationId", name, "ownerId", "pipelineId", "stageId", "stageEnteredAt", "updatedAt")
      SELECT gen_random_uuid(), '${org}', 'Client ' || lpad(g::text, 6, '0'), m.id, '${pipeline.id}', s.id, now(), now()
      FROM generate_series(0, ${clients - 1}) g
      JOIN managers m ON m.rn = g % ${MANAGERS}
      JOIN stages s ON s.rn = g % (SELECT count(*) FROM stages)`],
      [`client numbering`, `
      CREATE TEMP TABLE numbered AS SELECT id, "ownerId", row_number() OVER (ORDER BY name) - 1 AS rn FROM "Client"`],
      [`contacts (${clients * 2})`, `
      INSERT INTO "Contact" (id, "organizationId", "fullName", phones, emails, "updatedAt")
      SELECT gen_random_uuid(), '${org}', 'Contact ' || n.rn || '-' || k, ARRAY['+7495' || lpad((n.rn * 2 + k)::text, 7, '0')], '{}', now()
      FROM numbered n CROSS JOIN generate_series(0, 1) k`],
      [`employments (${clients * 2})`, `
      INSERT INTO "Employment" (id, "organizationId", "contactId", "clientId", title, "isDecisionMaker")
      SELECT gen_random_uuid(), '${org}', c.id, n.id, CASE WHEN split_part(c."fullName", '-', 2) = '0' THEN 'Director' ELSE 'Buyer' END,
             split_part(c."fullName", '-', 2) = '0'
      FROM "Contact" c JOIN numbered n ON n.rn = split_part(split_part(c."fullName", ' ', 2), '-', 1)::int`],
      [`open tasks (${clients * 3})`, `
      INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt")
      SELECT gen_random_uuid(), '${org}', n."ownerId", n.id, 'CALL', 'Call ' || k, now() + make_interval(days => k + 1)
      FROM numbered n CROSS JOIN generate_series(0, 2) k`],
      [`done tasks (${clients})`, `
      INSERT INTO "Task" (id, "organizationId", "assigneeId", "clientId", type, title, "dueAt", status, "completedAt")
      SELECT gen_random_uuid(), '${org}', n."ownerId", n.id, 'CALL', 'Done call', now() - interval '3 days', 'DONE', now() - interval '3 days'
      FROM numbered n`],
      [`activities (${clients * 5})`, `
      INSERT INTO "Activity" (id, "organizationId", "clientId", "authorId", type, body, "occurredAt")
      SELECT gen_random_uuid(), '${org}', n.id, n."ownerId", 'CALL', 'Talked to the buyer, round ' || k, now() - make_interval(days => k)
      FROM numbered n CROSS JOIN generate_series(0, 4) k`],
      [`orders (${clients * 2})`, `
      INSERT INTO "Order" (id, "organizationId", "clientId", number, amount, "invoicedAt", "paidAt", "createdAt")
      SELECT gen_random_uuid(), '${org}', n.id, 'INV-' || n.rn || '-' || k, 1000 + (n.rn % 97) * 10.5, now() - make_interval(days => 30 * k + 5),
             CASE WHEN k > 0 THEN now() - make_interval(days => 30 * k) END, now() - make_interval(days => 30 * k + 5)
      FROM numbered n CROSS JOIN generate_series(0, 1) k`],
      [`ANALYZE`, `
      ANALYZE`],
    ];
    await db.withConnection(async (conn) => {
      for (const [index, [label, sql]] of steps.entries()) {
        const started = Date.now();
        await conn.exec(sql);
        console.log(`  seed ${index + 1}/${steps.length}: ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    });
    const [head] = await db.query<{ id: string }>(`SELECT id FROM "User" WHERE role = 'HEAD_OF_SALES' AND "organizationId" = $1`, [org]);
    const [manager] = await db.query<{ id: string }>(`SELECT id FROM "User" WHERE role = 'MANAGER' AND "organizationId" = $1 ORDER BY email LIMIT 1`, [org]);
    const [card] = await db.query<{ id: string }>(`SELECT id FROM "Client" WHERE "organizationId" = $1 ORDER BY name LIMIT 1 OFFSET 1234`, [org]);
    return { organizationId: org, headId: head!.id, managerId: manager!.id, cardClientId: card!.id };
  } finally {
    await db.close();
  }
}
