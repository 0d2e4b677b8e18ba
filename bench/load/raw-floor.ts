// The floor: a minimal node:http + pg handler answering the load test's nested read with the same JSON shape
// as the API, from one hand-written SQL statement. No GraphQL, no auth, no validation: what the database and
// JSON serialisation alone cost. Run: node --import tsx bench/load/raw-floor.ts (env DATABASE_URL, PORT, ORGANIZATION_ID)
import { createServer } from "node:http";
import pg from "pg";


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

if (process.argv[1]?.endsWith("raw-floor.ts")) serve();

function serve() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const organizationId = process.env.ORGANIZATION_ID;
  createServer(async (req, res) => {
    try {
      const { rows } = await pool.query(PAGE_SQL, [organizationId]);
      const body = `{"data":{"clients":{"edges":${JSON.stringify(rows[0].edges)}}}}`;
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
    req.resume();
  }).listen(Number(process.env.PORT ?? 4103), "127.0.0.1", () => console.log("raw floor listening"));
}
