// The floor: a minimal node:http + pg handler answering the load test's reads with the same JSON as the API, each
// from one hand-written SQL statement, prepared once per connection. No GraphQL, no auth, no validation: what the
// database and JSON alone cost.
// Run: node --import tsx bench/load/raw-floor.ts (env DATABASE_URL, PORT, ORGANIZATION_ID, CARD_CLIENT_ID, MANAGER_ID)
import { createServer } from "node:http";
import pg from "pg";

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const gid = (type: string, column: string) => `translate(rtrim(encode(convert_to('${type}:' || ${column}, 'UTF8'), 'base64'), '='), E'+/\\n', '-_')`;

export const PAGE_SQL = `
SELECT coalesce(json_agg(json_build_object('node', json_build_object(
  'id', c.id, 'name', c.name,
  'stage', (SELECT json_build_object('name', s.name) FROM "Stage" s WHERE s.id = c."stageId"),
  'owner', (SELECT json_build_object('name', u.name) FROM "User" u WHERE u.id = c."ownerId"),
  'employments', json_build_object('edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('title', e.title, 'contact', json_build_object('fullName', ct."fullName"))) ORDER BY e."startedAt", e.id), '[]')
    FROM "Employment" e JOIN "Contact" ct ON ct.id = e."contactId" WHERE e."clientId" = c.id AND e."endedAt" IS NULL)),
  'tasks', json_build_object('edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('title', t.title, 'dueAt', t."dueAt")) ORDER BY t."dueAt", t.id), '[]')
    FROM "Task" t WHERE t."clientId" = c.id AND t.status = 'OPEN'))
)) ORDER BY c.name, c.id), '[]') AS edges
FROM (SELECT * FROM "Client" WHERE "organizationId" = $1 ORDER BY name, id LIMIT 50) c`;

/** The client card, exactly as the API's CARD_QUERY answers it. Parameters: client id, organization id. */
export const CARD_SQL = `
SELECT json_build_object('node', (SELECT json_build_object(
  'id', ${gid("Client", "c.id")}, 'name', c.name, 'phone', c.phone, 'email', c.email, 'website', c.website,
  'stageEnteredAt', to_char(c."stageEnteredAt", ${ISO}),
  'stage', (SELECT json_build_object('name', s.name) FROM "Stage" s WHERE s.id = c."stageId"),
  'owner', (SELECT json_build_object('name', u.name) FROM "User" u WHERE u.id = c."ownerId"),
  'employments', json_build_object('edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('title', e.title, 'isDecisionMaker', e."isDecisionMaker",
      'contact', json_build_object('fullName', ct."fullName", 'phones', ct.phones))) ORDER BY e."startedAt" DESC, e.id), '[]')
    FROM (SELECT * FROM "Employment" WHERE "clientId" = c.id AND "endedAt" IS NULL ORDER BY "startedAt" DESC, id LIMIT 10) e
    JOIN "Contact" ct ON ct.id = e."contactId")),
  'activities', json_build_object('totalCount', (SELECT count(*) FROM "Activity" WHERE "clientId" = c.id), 'edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('type', a.type, 'body', a.body, 'occurredAt', to_char(a."occurredAt", ${ISO}),
      'author', (SELECT json_build_object('name', u.name) FROM "User" u WHERE u.id = a."authorId"))) ORDER BY a."occurredAt" DESC, a.id DESC), '[]')
    FROM (SELECT * FROM "Activity" WHERE "clientId" = c.id ORDER BY "occurredAt" DESC, id DESC LIMIT 20) a)),
  'orders', json_build_object('edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('number', o.number, 'amount', trim_scale(o.amount)::text,
      'invoicedAt', to_char(o."invoicedAt", ${ISO}), 'paidAt', to_char(o."paidAt", ${ISO}))) ORDER BY o."createdAt" DESC, o.id DESC), '[]')
    FROM (SELECT * FROM "Order" WHERE "clientId" = c.id ORDER BY "createdAt" DESC, id DESC LIMIT 10) o)),
  'tasks', json_build_object('edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('title', t.title, 'dueAt', to_char(t."dueAt", ${ISO}))) ORDER BY t."dueAt", t.id), '[]')
    FROM (SELECT * FROM "Task" WHERE "clientId" = c.id AND status = 'OPEN' ORDER BY "dueAt", id LIMIT 10) t))
) FROM "Client" c WHERE c.id = $1 AND c."organizationId" = $2)) AS data`;

/** A manager's upcoming tasks, exactly as the API's MY_TASKS_QUERY answers it. Parameters: user id, organization id. */
export const MY_TASKS_SQL = `
SELECT json_build_object('myTasks', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
  'id', ${gid("Task", "t.id")}, 'title', t.title, 'dueAt', to_char(t."dueAt", ${ISO}),
  'client', (SELECT json_build_object('name', c.name, 'owner', (SELECT json_build_object('name', u.name) FROM "User" u WHERE u.id = c."ownerId"))
             FROM "Client" c WHERE c.id = t."clientId"))) ORDER BY t."dueAt", t.id), '[]'))) AS data
FROM (SELECT * FROM "Task" WHERE "organizationId" = $2 AND "assigneeId" = $1 AND status = 'OPEN' AND "dueAt" >= (now() AT TIME ZONE 'UTC')
      ORDER BY "dueAt", id LIMIT 50) t`;

if (process.argv[1]?.endsWith("raw-floor.ts")) serve();

function serve() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const organizationId = process.env.ORGANIZATION_ID;
  const routes: Record<string, () => Promise<string>> = {
    "/": async () => {
      const { rows } = await pool.query({ name: "page", text: PAGE_SQL, values: [organizationId] });
      return `{"data":{"clients":{"edges":${JSON.stringify(rows[0].edges)}}}}`;
    },
    "/card": async () => {
      const { rows } = await pool.query({ name: "card", text: CARD_SQL, values: [process.env.CARD_CLIENT_ID, organizationId] });
      return `{"data":${JSON.stringify(rows[0].data)}}`;
    },
    "/my-tasks": async () => {
      const { rows } = await pool.query({ name: "my-tasks", text: MY_TASKS_SQL, values: [process.env.MANAGER_ID, organizationId] });
      return `{"data":${JSON.stringify(rows[0].data)}}`;
    },
  };
  createServer(async (req, res) => {
    try {
      const route = routes[req.url ?? "/"];
      if (!route) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(await route());
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
    req.resume();
  }).listen(Number(process.env.PORT ?? 4103), "127.0.0.1", () => console.log("raw floor listening"));
}
