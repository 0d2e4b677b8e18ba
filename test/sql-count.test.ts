import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
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
afterAll(() => server?.stop());

const PAGE = `query($first: Int!) { clients(first: $first) {
  totalCount
  edges { node { id name owner { id name } stage { name } activityCount decisionMakerCount
    employments(first: 5) { edges { node { title isDecisionMaker contact { fullName } } } } } } } }`;

async function statementsFor(first: number): Promise<number> {
  const before = server.app.database.statementCount();
  const res = await server.gql(PAGE, { first }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.clients.edges).toHaveLength(first);
  expect(res.data.clients.edges[0].node.employments.edges).toHaveLength(2);
  expect(res.data.clients.edges[0].node.activityCount).toBe(3);
  return server.app.database.statementCount() - before;
}

describe("batching", () => {
  it("a page of 50 clients with owner, stage, contacts and counts costs the same number of SQL statements as a page of 5", async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(12);
  });
});
