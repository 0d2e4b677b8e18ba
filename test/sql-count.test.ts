import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let pothosOnly: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ config: { compiledReadsVerify: false } });
  pothosOnly = await startTestServer({ shareDatabaseOf: server, config: { compiledReads: false } });
  const admin = await signUpOrg(server, "Batching Org");
  token = admin.token;
  const prisma = server.app.services.prisma;
  const user = await prisma.user.findUniqueOrThrow({ where: { email: admin.email } });
  const org = user.organizationId;
  // 60 clients, each with 2 contacts and 3 activities, so a page of 50 really has nested rows to load.
  for (let i = 0; i < 60; i++) {
    const client = await prisma.client.create({ data: { organizationId: org, name: `Batch ${String(i).padStart(2, "0")}`, ownerId: user.id } });
    for (let k = 0; k < 2; k++) {
      const contact = await prisma.contact.create({ data: { organizationId: org, fullName: `Person ${i}-${k}`, phones: [], emails: [] } });
      await prisma.employment.create({ data: { organizationId: org, clientId: client.id, contactId: contact.id, isDecisionMaker: k === 0 } });
    }
    await prisma.activity.createMany({ data: [0, 1, 2].map((n) => ({ organizationId: org, clientId: client.id, authorId: user.id, type: "NOTE" as const, body: `n${n}` })) });
  }
});
afterAll(async () => {
  await pothosOnly?.stop();
  await server?.stop();
});

const PAGE = `query($first: Int!) { clients(first: $first) {
  totalCount
  edges { node { id name owner { id name } stage { name } activityCount decisionMakerCount
    employments(first: 5) { edges { node { title isDecisionMaker contact { fullName } } } } } } } }`;

async function statementsFor(first: number, target = server): Promise<number> {
  const before = target.app.database.statementCount();
  const res = await target.gql(PAGE, { first }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.clients.edges).toHaveLength(first);
  expect(res.data.clients.edges[0].node.employments.edges).toHaveLength(2);
  expect(res.data.clients.edges[0].node.activityCount).toBe(3);
  return target.app.database.statementCount() - before;
}

describe("batching", () => {
  it("compiled: a page of 50 clients with owner, stage, contacts and counts is one SQL statement (plus the caller's user lookup)", async () => {
    expect(await statementsFor(5)).toBe(2);
    expect(await statementsFor(50)).toBe(2);
  });

  it("through Pothos: a page of 50 costs the same number of SQL statements as a page of 5", async () => {
    const small = await statementsFor(5, pothosOnly);
    const large = await statementsFor(50, pothosOnly);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(12);
  });

  it("a query with a field that does not compile falls back to Pothos, batched as before", async () => {
    const before = server.app.database.statementCount();
    const res = await server.gql(`{ clients(first: 50) { edges { node { name daysSinceLastPurchase owner { name } } } } }`, {}, token);
    expect(res.errors).toBeUndefined();
    expect(server.app.database.statementCount() - before).toBeGreaterThan(2);
  });
});
