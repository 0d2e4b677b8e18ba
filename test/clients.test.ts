import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let admin: { token: string; userId: string };
let manager: { token: string; userId: string };
let otherManager: { token: string; userId: string };

const CREATE = `mutation($input: CreateClientInput!) { createClient(input: $input) {
  __typename
  ... on CreateClientPayload { client { id name website phone email version owner { id } stage { key } customFields } }
  ... on ValidationError { issues { path message } }
  ... on Error { message code } } }`;
const UPDATE = `mutation($input: UpdateClientInput!) { updateClient(input: $input) {
  __typename
  ... on UpdateClientPayload { client { id name version businessDescription customFields } }
  ... on VersionConflictError { expectedVersion currentVersion }
  ... on ValidationError { issues { path message } }
  ... on Error { message code } } }`;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUpOrg(server, "Clients Org");
  manager = await addUser(server, admin.token, "MANAGER", "Maria");
  otherManager = await addUser(server, admin.token, "MANAGER", "Mikhail");
});
afterAll(() => server?.stop());

async function createClient(token: string, input: Record<string, unknown>) {
  const res = await server.gql(CREATE, { input }, token);
  return res.data.createClient;
}

describe("clients", () => {
  it("creates a client in the first stage, owned by the creating manager, with normalised phone and URL", async () => {
    const client = await createClient(manager.token, {
      name: "  Acme  ", website: "https://acme.example", phone: "8 (916) 123-45-67", email: "Info@Acme.example",
    });
    expect(client.__typename).toBe("CreateClientPayload");
    expect(client.client).toMatchObject({
      name: "Acme", website: "https://acme.example/", phone: "+79161234567", version: 1, owner: { id: manager.userId }, stage: { key: "object" },
    });
  });

  it("rejects invalid input with typed errors naming each field, and writes nothing", async () => {
    const before = (await server.gql(`{ clients { totalCount } }`, {}, admin.token)).data.clients.totalCount;
    const res = await server.gql(CREATE, { input: { name: "", businessDescription: "x".repeat(5001) } }, manager.token);
    expect(res.data.createClient.__typename).toBe("ValidationError");
    expect(res.data.createClient.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(
      expect.arrayContaining(["input.name", "input.businessDescription"]),
    );
    const badScalar = await server.gql(CREATE, { input: { name: "X", phone: "not a phone" } }, manager.token);
    expect(badScalar.errors?.[0]?.message).toContain("PhoneNumber must be a valid international phone number");
    const after = (await server.gql(`{ clients { totalCount } }`, {}, admin.token)).data.clients.totalCount;
    expect(after).toBe(before);
  });

  it("updates with optimistic concurrency: a stale version gets a typed conflict and changes nothing", async () => {
    const { client } = await createClient(manager.token, { name: "Versioned" });
    const first = await server.gql(UPDATE, { input: { id: client.id, expectedVersion: 1, businessDescription: "sells boats" } }, manager.token);
    expect(first.data.updateClient.client).toMatchObject({ version: 2, businessDescription: "sells boats" });
    const stale = await server.gql(UPDATE, { input: { id: client.id, expectedVersion: 1, name: "Lost update" } }, manager.token);
    expect(stale.data.updateClient).toEqual({
      __typename: "VersionConflictError", expectedVersion: 1, currentVersion: 2,
      message: "Client was changed by someone else: expected version 1, current is 2", code: "VERSION_CONFLICT",
    });
    const now = await server.gql(`query($id: ID!) { node(id: $id) { ... on Client { name version } } }`, { id: client.id }, manager.token);
    expect(now.data.node).toEqual({ name: "Versioned", version: 2 });
  });

  it("concurrent updates with the same version: exactly one wins", async () => {
    const { client } = await createClient(manager.token, { name: "Race" });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        server.gql(UPDATE, { input: { id: client.id, expectedVersion: 1, competitors: `c${i}` } }, manager.token),
      ),
    );
    const kinds = results.map((r) => r.data.updateClient.__typename).sort();
    expect(kinds.filter((k) => k === "UpdateClientPayload")).toHaveLength(1);
    expect(kinds.filter((k) => k === "VersionConflictError")).toHaveLength(4);
  });

  it("managers cannot change another manager's client; heads of sales reassign", async () => {
    const { client } = await createClient(manager.token, { name: "Owned by Maria" });
    const denied = await server.gql(UPDATE, { input: { id: client.id, expectedVersion: 1, name: "Hijack" } }, otherManager.token);
    expect(denied.data.updateClient.__typename).toBe("ForbiddenError");
    const reassign = `mutation($input: ReassignClientInput!) { reassignClient(input: $input) {
      __typename ... on ReassignClientPayload { client { owner { id } version } } } }`;
    const byManager = await server.gql(reassign, { input: { id: client.id, ownerId: otherManager.userId, expectedVersion: 1 } }, otherManager.token);
    expect(byManager.data.reassignClient.__typename).toBe("ForbiddenError");
    const byAdmin = await server.gql(reassign, { input: { id: client.id, ownerId: otherManager.userId, expectedVersion: 1 } }, admin.token);
    expect(byAdmin.data.reassignClient.client).toEqual({ owner: { id: otherManager.userId }, version: 2 });
    const nowAllowed = await server.gql(UPDATE, { input: { id: client.id, expectedVersion: 2, name: "Mikhail's now" } }, otherManager.token);
    expect(nowAllowed.data.updateClient.__typename).toBe("UpdateClientPayload");
  });

  it("paginates with cursors, filters and sorts, with a totalCount", async () => {
    const names = ["Pag Alpha", "Pag Bravo", "Pag Charlie", "Pag Delta", "Pag Echo"];
    for (const name of names) await createClient(otherManager.token, { name });
    const page = `query($after: String, $filter: ClientFilter, $orderBy: ClientOrder) {
      clients(first: 2, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await server.gql(page, { after, filter: { search: "pag " }, orderBy: { field: "NAME", direction: "DESC" } }, admin.token);
      expect(res.data.clients.totalCount).toBe(5);
      seen.push(...res.data.clients.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!res.data.clients.pageInfo.hasNextPage) break;
      after = res.data.clients.pageInfo.endCursor;
    }
    expect(seen).toEqual([...names].reverse());
    const byOwner = await server.gql(`query($f: ClientFilter) { clients(filter: $f) { totalCount } }`, { f: { ownerId: otherManager.userId, search: "pag" } }, admin.token);
    expect(byOwner.data.clients.totalCount).toBe(5);
  });

  it("validates custom fields against the organization's definitions", async () => {
    const define = `mutation($input: DefineCustomFieldInput!) { defineCustomField(input: $input) { __typename ... on ValidationError { issues { path message } } } }`;
    expect((await server.gql(define, { input: { entity: "CLIENT", key: "segment", label: "Segment", type: "SELECT", options: ["retail", "wholesale"] } }, admin.token)).data.defineCustomField.__typename).toBe("DefineCustomFieldPayload");
    expect((await server.gql(define, { input: { entity: "CLIENT", key: "employees", label: "Employees", type: "NUMBER" } }, admin.token)).data.defineCustomField.__typename).toBe("DefineCustomFieldPayload");
    const noOptions = await server.gql(define, { input: { entity: "CLIENT", key: "tier", label: "Tier", type: "SELECT" } }, admin.token);
    expect(noOptions.data.defineCustomField.issues).toEqual([{ path: ["input", "options"], message: "a SELECT field needs options" }]);
    const byManager = await server.gql(define, { input: { entity: "CLIENT", key: "x", label: "X", type: "TEXT" } }, manager.token);
    expect(byManager.data.defineCustomField.__typename).toBe("ForbiddenError");

    const ok = await createClient(manager.token, { name: "Custom", customFields: { segment: "retail", employees: 12 } });
    expect(ok.client.customFields).toEqual({ segment: "retail", employees: 12 });
    const bad = await createClient(manager.token, { name: "Custom bad", customFields: { segment: "space", employees: "many", unknown: 1 } });
    expect(bad.issues).toEqual(expect.arrayContaining([
      { path: ["input", "customFields", "segment"], message: "must be one of: retail, wholesale" },
      { path: ["input", "customFields", "employees"], message: "must be a number" },
      { path: ["input", "customFields", "unknown"], message: "is not a defined custom field" },
    ]));
    const cleared = await server.gql(UPDATE, { input: { id: ok.client.id, expectedVersion: 1, customFields: { employees: null } } }, manager.token);
    expect(cleared.data.updateClient.client.customFields).toEqual({ segment: "retail" });
  });

  it("logs activities on the timeline, newest first, with author", async () => {
    const { client } = await createClient(manager.token, { name: "Timeline" });
    const log = `mutation($input: LogActivityInput!) { logActivity(input: $input) { __typename } }`;
    await server.gql(log, { input: { clientId: client.id, type: "CALL", outcome: "INTERESTED", body: "first", occurredAt: "2026-01-01T10:00:00Z" } }, manager.token);
    await server.gql(log, { input: { clientId: client.id, type: "NOTE", body: "second", occurredAt: "2026-01-02T10:00:00Z" } }, manager.token);
    const res = await server.gql(`query($id: ID!) { node(id: $id) { ... on Client { activityCount activities(first: 10) { totalCount edges { node { type body author { id } } } } } } }`, { id: client.id }, admin.token);
    expect(res.data.node.activityCount).toBe(2);
    expect(res.data.node.activities.edges.map((e: any) => e.node.body)).toEqual(["second", "first"]);
    expect(res.data.node.activities.edges[0].node.author.id).toBe(manager.userId);
  });

  it("deletes only with the current version and only as head of sales/admin", async () => {
    const { client } = await createClient(manager.token, { name: "To delete" });
    const del = `mutation($input: DeleteClientInput!) { deleteClient(input: $input) { __typename ... on DeleteClientPayload { deletedId } } }`;
    expect((await server.gql(del, { input: { id: client.id, expectedVersion: 1 } }, manager.token)).data.deleteClient.__typename).toBe("ForbiddenError");
    expect((await server.gql(del, { input: { id: client.id, expectedVersion: 7 } }, admin.token)).data.deleteClient.__typename).toBe("VersionConflictError");
    expect((await server.gql(del, { input: { id: client.id, expectedVersion: 1 } }, admin.token)).data.deleteClient).toEqual({ __typename: "DeleteClientPayload", deletedId: client.id });
    const gone = await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: client.id }, admin.token);
    expect(gone.data.node).toBeNull();
  });

  it("malformed ids are a clear error, not a crash", async () => {
    const res = await server.gql(UPDATE, { input: { id: "not-an-id", expectedVersion: 1, name: "x" } }, manager.token);
    expect(res.data.updateClient).toMatchObject({ __typename: "ValidationError", issues: [{ path: ["input", "id"], message: "is not a valid id" }] });
    const node = await server.gql(`{ node(id: "garbage") { id } }`, {}, manager.token);
    expect(node.errors?.[0]?.message).toContain("Malformed id");
  });

  it("pushes client changes to subscribers of the same organization over graphql-ws", async () => {
    const ws = server.ws(admin.token);
    const events: any[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.subscribe({ query: `subscription { clientChanged { kind client { name } } }` }, {
        next: (msg) => { events.push(msg.data?.clientChanged); if (events.length === 1) resolve(); },
        error: reject,
        complete: () => {},
      });
    });
    await new Promise((r) => setTimeout(r, 200)); // let the subscription register before we publish
    await createClient(manager.token, { name: "Live one" });
    await done;
    expect(events[0]).toEqual({ kind: "CREATED", client: { name: "Live one" } });
  });
});
