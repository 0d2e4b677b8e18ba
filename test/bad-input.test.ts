import { SignJWT, base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeId } from "../src/graphql/global-id.js";
import { signUpOrg, startTestServer, type GqlResponse, type TestServer } from "./helpers/server.js";
import { settle } from "./helpers/wait.js";

// Every bad input gets a clear error and changes nothing. "Clear" means a typed result or a GraphQL error with a
// code, never the masked "Unexpected error." (that would be an unhandled exception: a bug).

let server: TestServer;
let a: Fixture;
let b: Fixture;

interface Fixture {
  token: string;
  userId: string;
  client: string;
  contact: string;
  employment: string;
  task: string;
  order: string;
  channel: string;
  stage: string;
}

const TABLES = ["Client", "Contact", "Employment", "Task", "Order", "Activity", "Channel", "ChannelSpend", "StageTransition", "Stage", "User", "ReactivationEntry"];

/** A digest of every row of every table the API writes: equal digests mean nothing changed. */
async function fingerprint(): Promise<string> {
  const parts = await Promise.all(
    TABLES.map(async (table) => {
      const [row] = await server.app.database.query<{ digest: string | null }>(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${table}" t`,
      );
      return `${table}:${row?.digest}`;
    }),
  );
  return parts.join(",");
}

async function setUp(name: string): Promise<Fixture> {
  const { token, userId } = await signUpOrg(server, name);
  const run = async (query: string, variables: Record<string, unknown>) => {
    const res = await server.gql(query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const client = (await run(`mutation($i: CreateClientInput!) { createClient(input: $i) { ... on CreateClientPayload { client { id stage { id } } } } }`, { i: { name: `${name} client` } })).createClient.client;
  const contact = (await run(
    `mutation($i: CreateContactInput!) { createContact(input: $i) { ... on CreateContactPayload { contact { id employments { edges { node { id } } } } } } }`,
    { i: { fullName: `${name} contact`, employment: { clientId: client.id, title: "Director" } } },
  )).createContact.contact;
  const task = (await run(`mutation($i: CreateTaskInput!) { createTask(input: $i) { ... on CreateTaskPayload { task { id } } } }`, {
    i: { clientId: client.id, title: "Call", type: "CALL", dueAt: "2030-01-01T10:00:00Z" },
  })).createTask.task;
  const order = (await run(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { ... on CreateOrderPayload { order { id } } } }`, {
    i: { clientId: client.id, amount: "1000.00" },
  })).createOrder.order;
  const channel = (await run(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { ... on CreateChannelPayload { channel { id } } } }`, {
    i: { name: `${name} ads` },
  })).createChannel.channel;
  return {
    token, userId, client: client.id, contact: contact.id, employment: contact.employments.edges[0].node.id, task: task.id,
    order: order.id, channel: channel.id, stage: client.stage.id,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  a = await setUp("Alpha");
  b = await setUp("Beta");
});
afterAll(() => server?.stop());

function expectClearError(res: GqlResponse, field: string) {
  const text = JSON.stringify(res);
  expect(text).not.toContain("Unexpected error");
  expect(text).not.toMatch(/prisma|postgres|syntax for type uuid|invalid input/i);
  const result = res.data?.[field];
  if (result && typeof result === "object") {
    expect(result.__typename).toMatch(/Error$/);
    expect(result.message).toBeTruthy();
  } else {
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(res.errors![0]!.extensions?.code ?? res.errors![0]!.message).toBeTruthy();
  }
}

type IdField = { mutation: string; input: string; build: (f: Fixture, bad?: string) => Record<string, unknown> };

// Each mutation that takes ids, with its primary id replaceable by a bad one.
const ID_MUTATIONS: IdField[] = [
  { mutation: "updateClient", input: "UpdateClientInput", build: (f, bad) => ({ id: bad ?? f.client, expectedVersion: 1, name: "Renamed" }) },
  { mutation: "deleteClient", input: "DeleteClientInput", build: (f, bad) => ({ id: bad ?? f.client, expectedVersion: 1 }) },
  { mutation: "reassignClient", input: "ReassignClientInput", build: (f, bad) => ({ id: f.client, expectedVersion: 1, ownerId: bad ?? f.userId }) },
  { mutation: "moveClientToStage", input: "MoveClientToStageInput", build: (f, bad) => ({ clientId: f.client, expectedVersion: 1, stageId: bad ?? f.stage }) },
  { mutation: "logActivity", input: "LogActivityInput", build: (f, bad) => ({ clientId: bad ?? f.client, type: "NOTE", body: "Note" }) },
  { mutation: "createTask", input: "CreateTaskInput", build: (f, bad) => ({ clientId: bad ?? f.client, title: "T", type: "CALL", dueAt: "2030-01-01T00:00:00Z" }) },
  { mutation: "updateTask", input: "UpdateTaskInput", build: (f, bad) => ({ id: bad ?? f.task, expectedVersion: 1, title: "Renamed" }) },
  { mutation: "completeTask", input: "CompleteTaskInput", build: (f, bad) => ({ id: bad ?? f.task, expectedVersion: 1 }) },
  { mutation: "cancelTask", input: "CancelTaskInput", build: (f, bad) => ({ id: bad ?? f.task, expectedVersion: 1 }) },
  { mutation: "createOrder", input: "CreateOrderInput", build: (f, bad) => ({ clientId: bad ?? f.client, amount: "10.00" }) },
  { mutation: "markOrderInvoiced", input: "OrderStepInput", build: (f, bad) => ({ id: bad ?? f.order, expectedVersion: 1 }) },
  { mutation: "markOrderPaid", input: "OrderStepInput", build: (f, bad) => ({ id: bad ?? f.order, expectedVersion: 1 }) },
  { mutation: "markOrderShipped", input: "OrderStepInput", build: (f, bad) => ({ id: bad ?? f.order, expectedVersion: 1 }) },
  { mutation: "cancelOrder", input: "OrderStepInput", build: (f, bad) => ({ id: bad ?? f.order, expectedVersion: 1 }) },
  { mutation: "addEmployment", input: "AddEmploymentInput", build: (f, bad) => ({ clientId: f.client, contactId: bad ?? f.contact }) },
  { mutation: "endEmployment", input: "EndEmploymentInput", build: (f, bad) => ({ id: bad ?? f.employment }) },
  { mutation: "updateContact", input: "UpdateContactInput", build: (f, bad) => ({ id: bad ?? f.contact, expectedVersion: 1, fullName: "Renamed" }) },
  { mutation: "setChannelSpend", input: "SetChannelSpendInput", build: (f, bad) => ({ channelId: bad ?? f.channel, month: "2026-01", amount: "100" }) },
  { mutation: "updateStage", input: "UpdateStageInput", build: (f, bad) => ({ id: bad ?? f.stage, expectedVersion: 1, name: "Renamed" }) },
];

const BAD_IDS: Array<[string, (other: Fixture) => string]> = [
  ["garbage", () => "not-an-id"],
  ["empty", () => ""],
  ["a User id where another type is expected", (o) => o.userId.startsWith("VXNlcj") ? encodeId("Task", Buffer.from(o.userId, "base64url").toString().split(":")[1]!) : o.userId],
  ["a non-uuid payload", () => encodeId("Client", "12345")],
  ["SQL in the payload", () => Buffer.from("Client:1' OR '1'='1").toString("base64url")],
  ["a 10,000-character id", () => "A".repeat(10_000)],
  ["another organization's id", () => ""], // replaced per mutation below
];

const mutate = (m: IdField, variables: Record<string, unknown>, token: string) =>
  server.gql(`mutation($i: ${m.input}!) { ${m.mutation}(input: $i) { __typename ... on Error { message code } } }`, { i: variables }, token);

describe("malformed and foreign ids", () => {
  it("the fingerprint sees a change (so an unchanged one means something)", async () => {
    const before = await fingerprint();
    const res = await server.gql(`mutation($i: LogActivityInput!) { logActivity(input: $i) { __typename } }`, { i: { clientId: a.client, type: "NOTE", body: "Seen" } }, a.token);
    expect(res.data.logActivity.__typename).toBe("LogActivityPayload");
    expect(await fingerprint()).not.toBe(before);
  });

  for (const m of ID_MUTATIONS) {
    it(`${m.mutation}: every bad id is a clear error and changes nothing`, async () => {
      for (const [label, make] of BAD_IDS) {
        const bad = label === "another organization's id" ? foreignIdFor(m) : make(b);
        const before = await fingerprint();
        const res = await mutate(m, m.build(a, bad), a.token);
        expect(JSON.stringify(res), label).not.toContain("Unexpected error");
        expectClearError(res, m.mutation);
        expect(await fingerprint(), `${m.mutation} with ${label} changed data`).toBe(before);
      }
    });
  }

  it("node() and nodes() treat malformed and foreign ids as absent or a clear error", async () => {
    for (const id of ["not-an-id", encodeId("Client", "1"), b.client, "A".repeat(5000)]) {
      const res = await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, a.token);
      expect(JSON.stringify(res)).not.toContain("Unexpected error");
      expect(res.data?.node ?? null).toBeNull();
    }
    const many = await server.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [a.client, b.client] }, a.token);
    expect(many.data?.nodes?.[0]?.id).toBe(a.client);
    expect(many.data?.nodes?.[1] ?? null).toBeNull();
  });
});

function foreignIdFor(m: IdField): string {
  // The replaceable field, filled from the other organization's fixture.
  const marker = "__bad__";
  const marked = m.build(a, marker);
  const key = Object.keys(marked).find((k) => marked[k] === marker)!;
  return m.build(b)[key] as string;
}

describe("oversized strings", () => {
  const big = "x".repeat(200_000);
  const cases: Array<[string, string, (f: Fixture) => Record<string, unknown>]> = [
    ["createClient", "CreateClientInput", () => ({ name: big })],
    ["updateClient", "UpdateClientInput", (f) => ({ id: f.client, expectedVersion: 1, competitors: big })],
    ["createContact", "CreateContactInput", () => ({ fullName: big })],
    ["logActivity", "LogActivityInput", (f) => ({ clientId: f.client, type: "NOTE", body: "y".repeat(600_000) })],
    ["createTask", "CreateTaskInput", (f) => ({ clientId: f.client, title: big, type: "CALL", dueAt: "2030-01-01T00:00:00Z" })],
    ["createChannel", "CreateChannelInput", () => ({ name: big })],
    ["createOrder", "CreateOrderInput", (f) => ({ clientId: f.client, amount: "1", number: big })],
  ];
  for (const [mutation, input, build] of cases) {
    it(`${mutation} refuses an oversized string with a validation error naming the field`, async () => {
      const before = await fingerprint();
      const res = await server.gql(
        `mutation($i: ${input}!) { ${mutation}(input: $i) { __typename ... on ValidationError { issues { path message } } ... on Error { message } } }`,
        { i: build(a) },
        a.token,
      );
      expect(res.data?.[mutation]?.__typename).toBe("ValidationError");
      expect(res.data[mutation].issues[0].path[0]).toBe("input");
      expect(res.data[mutation].issues[0].message).toMatch(/at most|too long|characters/i);
      expect(await fingerprint()).toBe(before);
    });
  }
});

describe("invalid money", () => {
  const AMOUNTS = ["-5", "NaN", "Infinity", "1e400", "1.234", "abc", "", " 10", "10,5", "99999999999999999999.99", "0x10"];
  it("createOrder and setChannelSpend refuse every invalid amount and create nothing", async () => {
    for (const amount of AMOUNTS) {
      for (const [mutation, input, variables] of [
        ["createOrder", "CreateOrderInput", { clientId: a.client, amount }],
        ["setChannelSpend", "SetChannelSpendInput", { channelId: a.channel, month: "2026-02", amount }],
      ] as const) {
        const before = await fingerprint();
        const res = await server.gql(`mutation($i: ${input}!) { ${mutation}(input: $i) { __typename ... on Error { message } } }`, { i: variables }, a.token);
        expect(JSON.stringify(res), `${mutation} ${amount}`).not.toContain("Unexpected error");
        const typename = res.data?.[mutation]?.__typename;
        // Either the Decimal scalar refuses it (a GraphQL error) or domain validation does (a typed result).
        if (typename) expect(typename, `${mutation} ${JSON.stringify(amount)}`).toBe("ValidationError");
        else expect(res.errors?.[0]?.message, `${mutation} ${JSON.stringify(amount)}`).toMatch(/decimal|amount|invalid/i);
        expect(await fingerprint(), `${mutation} ${amount} changed data`).toBe(before);
      }
    }
  });

  it("a month that is not YYYY-MM is refused", async () => {
    for (const month of ["2026-13", "26-01", "January", "2026-1", ""]) {
      const res = await server.gql(`mutation($i: SetChannelSpendInput!) { setChannelSpend(input: $i) { __typename } }`, {
        i: { channelId: a.channel, month, amount: "10" },
      }, a.token);
      expect(res.data?.setChannelSpend?.__typename, month).toBe("ValidationError");
    }
  });
});

describe("invalid variables", () => {
  it("wrong types, nulls for non-nulls and unknown enum values fail validation and change nothing", async () => {
    const before = await fingerprint();
    const bad: Array<[string, Record<string, unknown>]> = [
      [`mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename } }`, { i: { clientId: a.client, title: "T", type: "TELEPATHY", dueAt: "2030-01-01T00:00:00Z" } }],
      [`mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename } }`, { i: { clientId: a.client, title: "T", type: "CALL", dueAt: "next tuesday" } }],
      [`mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename } }`, { i: { clientId: a.client, title: null, type: "CALL", dueAt: "2030-01-01T00:00:00Z" } }],
      [`mutation($i: UpdateClientInput!) { updateClient(input: $i) { __typename } }`, { i: { id: a.client, expectedVersion: "one" } }],
      [`mutation($i: UpdateClientInput!) { updateClient(input: $i) { __typename } }`, { i: { id: a.client, expectedVersion: 1, website: "javascript:alert(1)" } }],
      [`mutation($i: UpdateClientInput!) { updateClient(input: $i) { __typename } }`, { i: { id: a.client, expectedVersion: 1, email: "not-an-email" } }],
      [`mutation($i: CreateClientInput!) { createClient(input: $i) { __typename } }`, { i: { name: "X", phone: "call me maybe" } }],
      [`mutation($i: CreateClientInput!) { createClient(input: $i) { __typename } }`, { i: { name: "X", unknownField: 1 } }],
      [`mutation($i: CreateClientInput!) { createClient(input: $i) { __typename } }`, { i: "a string" }],
    ];
    for (const [query, variables] of bad) {
      const res = await server.gql(query, variables, a.token);
      const text = JSON.stringify(res);
      expect(text).not.toContain("Unexpected error");
      const typename = Object.values(res.data ?? {})[0] as { __typename?: string } | undefined;
      if (typename?.__typename) expect(typename.__typename, text).toBe("ValidationError");
      else expect(res.errors?.length, text).toBeGreaterThan(0);
    }
    expect(await fingerprint()).toBe(before);
  });
});

describe("bad tokens on both transports", () => {
  const enc = new TextEncoder();
  const sign = (opts: { secret?: Uint8Array; iss?: string; aud?: string; exp?: number | null; sub?: string } = {}) => {
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(opts.sub ?? a.userId)
      .setIssuer(opts.iss ?? server.config.jwt.issuer)
      .setAudience(opts.aud ?? server.config.jwt.audience)
      .setIssuedAt();
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? "1h");
    return jwt.sign(opts.secret ?? server.config.jwt.secret);
  };
  const tokens = async (): Promise<Array<[string, string]>> => [
    ["forged signature", await sign({ secret: enc.encode("someone-else-secret-0123456789abcdef") })],
    ["expired", await sign({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ["alg none", `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(JSON.stringify({ sub: a.userId, iss: server.config.jwt.issuer, aud: server.config.jwt.audience, exp: 9999999999 }))}.`],
    ["wrong audience", await sign({ aud: "another-app" })],
    ["wrong issuer", await sign({ iss: "https://evil.example" })],
    ["no expiry", await sign({ exp: null })],
    ["unknown user", await sign({ sub: encodeId("User", "00000000-0000-4000-8000-000000000000") })],
    ["garbage", "not.a.jwt"],
    ["huge", "a".repeat(20_000)],
  ];

  it("HTTP: each is UNAUTHENTICATED (401) and a mutation with it changes nothing", async () => {
    for (const [label, token] of await tokens()) {
      const before = await fingerprint();
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `mutation { createClient(input: { name: "Intruder" }) { __typename } }` }),
      });
      if (label === "huge") {
        expect(response.status).toBe(431); // over Node's header limit: refused before any of our code runs
        continue;
      }
      const body = await response.json();
      expect(response.status, label).toBe(401);
      expect(body.errors?.[0]?.extensions?.code, label).toBe("UNAUTHENTICATED");
      expect(await fingerprint(), label).toBe(before);
    }
  });

  it("graphql-ws: each is refused at connection with 4403", async () => {
    for (const [label, token] of await tokens()) {
      const closes: number[] = [];
      const client = server.ws(token, { onNonLazyError: () => {}, on: { closed: (event: any) => closes.push(event.code) } });
      client.subscribe({ query: "subscription { clientChanged { kind } }" }, { next: () => {}, error: () => {}, complete: () => {} });
      for (let i = 0; i < 100 && !closes.length; i++) await settle(20);
      expect(closes[0], label).toBe(4403);
    }
  });
});
