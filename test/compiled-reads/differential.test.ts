import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { openSession } from "../../src/auth/sessions.js";
import { decodeId, encodeId } from "../../src/graphql/global-id.js";
import { schema } from "../../src/schema.js";
import { signUpOrg, startTestServer, type TestServer } from "../helpers/server.js";
import { generateQuery, prng, type Pools } from "./generate.js";
import { seedOrganization } from "./seed.js";

// Two instances on one database: `compiled` answers plain queries with one SQL statement, `pothos` never does.
// Every query runs through both, as the same viewer, and the JSON must be identical byte for byte.
let compiled: TestServer;
let pothos: TestServer;
const viewers: Array<{ name: string; token: string }> = [];
let pools: Pools;
let clientIds: string[] = [];

const SEED = Number(process.env.DIFF_SEED ?? 20261125);
const GENERATED = Number(process.env.DIFF_QUERIES ?? 240);

beforeAll(async () => {
  compiled = await startTestServer({ config: { compiledReadsVerify: false } });
  pothos = await startTestServer({ shareDatabaseOf: compiled, config: { compiledReads: false } });
  const prisma = compiled.app.services.prisma;
  const rand = prng(SEED);
  const orgs = [];
  for (const name of ["Diff One", "Diff Two"]) {
    const admin = await signUpOrg(compiled, name);
    const user = await prisma.user.findUniqueOrThrow({ where: { id: decodeId(admin.userId).id } });
    const seeded = await seedOrganization(prisma, user.organizationId, user.id, rand);
    orgs.push({ admin, organizationId: user.organizationId, ...seeded });
  }
  const jwt = compiled.config.jwt;
  for (const [index, org] of orgs.entries()) {
    viewers.push({ name: `admin of org ${index + 1}`, token: org.admin.token });
    const manager = await prisma.user.findFirstOrThrow({ where: { organizationId: org.organizationId, role: "MANAGER" } });
    viewers.push({ name: `manager of org ${index + 1}`, token: (await openSession(prisma, jwt, { userId: manager.id, organizationId: org.organizationId, role: "MANAGER" })).accessToken });
  }
  clientIds = [...orgs[0]!.clients, orgs[1]!.clients[0]!]; // the last one belongs to the other organization
  const cursor = (id: string) => Buffer.from(`GPC:S:${id}`).toString("base64");
  const [one, two] = orgs as [(typeof orgs)[0], (typeof orgs)[0]];
  const someTasks = await prisma.task.findMany({ select: { id: true }, take: 6 });
  const someEmployments = await prisma.employment.findMany({ select: { id: true }, take: 4 });
  pools = {
    cursors: [
      ...one.clients.slice(0, 5).map(cursor),
      ...two.clients.slice(0, 3).map(cursor), // another organization's rows
      ...someTasks.map((t) => cursor(t.id)),
      ...someEmployments.map((e) => cursor(e.id)),
      cursor("00000000-0000-4000-8000-000000000000"), // no such row
      "not-a-cursor",
      Buffer.from("GPC:N:5").toString("base64"),
    ],
    clientFilters: [
      { search: "acme" }, { search: "%" }, { search: "_" }, { search: "ё" }, { search: "  50%  " }, { search: "" },
      { ownerId: encodeId("User", one.users[1]!) }, { ownerId: encodeId("User", two.users[1]!) }, { ownerId: "garbage" },
      { unowned: true }, { kind: "PERSON" }, { abcClass: "A" }, { kind: "COMPANY", abcClass: "B", search: "a" },
      { stageId: encodeId("Client", one.clients[0]!) },
    ],
    taskFilters: [
      { mine: true }, { status: "OPEN" }, { status: "DONE", type: "CALL" }, { overdue: true },
      { assigneeId: encodeId("User", one.users[2]!) }, { assigneeId: encodeId("User", two.users[2]!) },
      { clientId: encodeId("Client", one.clients[1]!) }, { clientId: encodeId("Client", two.clients[1]!) },
      { dueFrom: new Date(Date.now() - 3_600_000).toISOString(), dueBefore: new Date(Date.now() + 7_200_000).toISOString() },
      { clientId: "garbage" },
    ],
    searches: ["anna", "%", "Oleg 100", "", "zz", "+7 916 123-45-67", "ANNA@example.com", "+79160000000"],
    reactivationFilters: [
      { status: "OPEN" }, { mine: true }, { status: "WON_BACK" },
      { assigneeId: encodeId("User", one.users[1]!) }, { assigneeId: encodeId("User", two.users[1]!) }, { assigneeId: "garbage" },
    ],
  };
}, 120_000);

afterAll(async () => {
  await pothos?.stop();
  await compiled?.stop();
});

async function compare(query: string, variables: Record<string, unknown>, label: string) {
  let compiledCount = 0;
  for (const viewer of viewers) {
    const before = await compiledCount_();
    const a = await compiled.gql(query, variables, viewer.token);
    const tookCompiledPath = (await compiledCount_()) > before;
    const b = await pothos.gql(query, variables, viewer.token);
    const context = `${label} as ${viewer.name}\n${query}\n${JSON.stringify(variables)}`;
    expect(normalise(a), context).toEqual(normalise(b));
    expect(JSON.stringify(normalise(a)), context).toBe(JSON.stringify(normalise(b))); // key order too
    if (tookCompiledPath) compiledCount++;
  }
  return compiledCount;
}

/** How many operations the compiled instance answered with its one statement (its graphql_read_path_total). */
async function compiledCount_(): Promise<number> {
  const metric = await compiled.app.services.metrics.readPaths.get();
  return metric.values.find((v) => v.labels.path === "compiled")?.value ?? 0;
}

/** Request ids differ per request by design; everything else must match. */
function normalise(response: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  return JSON.parse(JSON.stringify(response), (key, value) => (key === "requestId" ? undefined : value));
}

const FIXED: Array<[string, string, (ids: string[]) => Record<string, unknown>]> = [
  ["load-test page", `query Page {
    clients(first: 50, orderBy: { field: NAME, direction: ASC }) {
      edges { node { id name stage { name } owner { name }
        employments(current: true, first: 10) { edges { node { title contact { fullName } } } }
        tasks(status: OPEN, first: 10) { edges { node { title dueAt } } } } } } }`, () => ({})],
  ["sql-count page", `query($first: Int!) { clients(first: $first) { totalCount
    edges { node { id name owner { id name } stage { name } activityCount decisionMakerCount
      employments(first: 5) { edges { node { title isDecisionMaker contact { fullName } } } } } } } }`, () => ({ first: 50 })],
  ["paging with cursors", `query($after: String) { clients(first: 3, after: $after, orderBy: { field: STAGE_ENTERED_AT, direction: DESC }) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name stageEnteredAt } } } }`,
    (ids) => ({ after: Buffer.from(`GPC:S:${ids[3]}`).toString("base64") })],
  ["card fields", `{ clients(first: 30) { edges { node { ...Card } } } }
    fragment Card on Client { id kind name website phone email businessDescription targetAudience competitors problemsFound
      proposedSolutions stageEnteredAt abcClass customFields version createdAt updatedAt channel { name }
      activities(first: 3) { totalCount edges { node { id type body occurredAt author { name } } } }
      contacts: employments(first: 5) { edges { node { startedAt endedAt contact { id fullName phones emails employments { title client { name } } } } } } }`, () => ({})],
  ["my day", `{ myTasks(scope: TODAY) { totalCount edges { node { title type dueAt status client { name } assignee { name role } } } }
    overdue: myTasks(scope: OVERDUE, first: 2) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, () => ({})],
  ["computed fields with an SQL twin", `{ tasks(first: 50) { edges { node { title status dueAt overdue } } } clients(first: 20) { edges { node { employments { edges { node { current endedAt } } } } } } }`, () => ({})],
  ["split: compiled roots and Pothos roots in one operation", `query($id: ID!) { me { name role } clients(first: 3) { totalCount edges { node { name } } }
    organization { name } node(id: $id) { id } stageReadiness(clientId: $id) { __typename } tasks(first: 2) { edges { node { title overdue } } } }`,
    (ids) => ({ id: encodeId("Client", ids[0]!) })],
  ["split: a Pothos root that fails", `{ clients(first: 1) { edges { node { name } } } a: node(id: "bad") { id } me { name } }`, () => ({})],
  ["falls back: a computed field", `{ clients(first: 5) { edges { node { name daysSinceLastPurchase abcOffer { class } } } } }`, () => ({})],
  ["client card by node(id:)", `query($id: ID!) { node(id: $id) { __typename id ... on Client { name phone stage { name } owner { name }
      employments(current: true, first: 10) { edges { node { title isDecisionMaker contact { fullName phones } } } }
      activities(first: 20) { totalCount edges { node { type body occurredAt author { name } } } }
      orders(first: 10) { totalCount edges { node { number amount invoicedAt paidAt createdAt } } }
      tasks(status: OPEN, first: 10) { edges { node { title dueAt } } } } ... on Task { title } } }`, (ids) => ({ id: encodeId("Client", ids[0]!) })],
  ["orders of every client: money", `{ clients(first: 40) { edges { node { orders(first: 50) { edges { node { amount } } } } } } }`, () => ({})],
  ["over the cost limit: Pothos refuses it", `{ clients(first: 100) { edges { node { orders(first: 100) { edges { node { amount } } } } } } }`, () => ({})],
  ["node: another organization's client, a task, a malformed id", `query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id ... on Task { title } } }`,
    (ids) => ({ a: encodeId("Client", ids[ids.length - 1]!), b: encodeId("Task", "00000000-0000-4000-8000-000000000000") })],
  ["node: malformed id falls back", `{ node(id: "nope") { id } }`, () => ({})],
  ["falls back: directives", `query($skip: Boolean!) { clients(first: 2) { edges { node { name @skip(if: $skip) id } } } }`, () => ({ skip: true })],
];

describe("compiled reads return exactly what Pothos returns", () => {
  it("for the fixed corpus (load test, SQL-count page, paging, the client card, my day, fallbacks)", async () => {
    let compiledRuns = 0;
    for (const [label, query, vars] of FIXED) compiledRuns += await compare(query, vars(clientIds), label);
    expect(compiledRuns).toBeGreaterThanOrEqual(8 * viewers.length);
  });

  it("for every query in the README", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const queries = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split(/\n(?=query|mutation)/)).filter((q) => q.trim().startsWith("query"));
    expect(queries.length).toBeGreaterThan(2);
    const values: Record<string, unknown> = { id: encodeId("Client", clientIds[0]!), p: { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" } };
    for (const query of queries) {
      const text = query.replace(/#.*$/gm, "");
      await compare(text, values, "README");
    }
  });

  it(`for ${GENERATED} random selections over the schema (seed ${SEED}), as admins and managers of two organizations`, async () => {
    const rand = prng(SEED + 1);
    let compiledRuns = 0;
    for (let i = 0; i < GENERATED; i++) {
      const { query, variables } = generateQuery(schema, rand, pools);
      compiledRuns += await compare(query, variables, `generated #${i}`);
    }
    // The comparison means something only if a good share of the generated queries really took the compiled path.
    expect(compiledRuns).toBeGreaterThan(GENERATED * viewers.length * 0.25);
  }, 600_000);
});
