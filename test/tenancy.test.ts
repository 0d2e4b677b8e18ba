import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let orgA: Awaited<ReturnType<typeof signUpOrg>>;
let orgB: Awaited<ReturnType<typeof signUpOrg>>;
let clientA: string;
let contactA: string;

beforeAll(async () => {
  server = await startTestServer();
  orgA = await signUpOrg(server, "Tenant A");
  orgB = await signUpOrg(server, "Tenant B");
  const c = await server.gql(`mutation { createClient(input: { name: "Secret of A" }) { ... on CreateClientPayload { client { id } } } }`, {}, orgA.token);
  clientA = c.data.createClient.client.id;
  const p = await server.gql(
    `mutation($c: ID!) { createContact(input: { fullName: "Person of A", employment: { clientId: $c, isDecisionMaker: true } }) { ... on CreateContactPayload { contact { id } } } }`,
    { c: clientA }, orgA.token,
  );
  contactA = p.data.createContact.contact.id;
});
afterAll(() => server?.stop());

describe("organization isolation", () => {
  it("lists show nothing of another organization", async () => {
    const res = await server.gql(`{ clients { totalCount } contacts { totalCount } users { totalCount } customFieldDefinitions { id } }`, {}, orgB.token);
    expect(res.data).toEqual({ clients: { totalCount: 0 }, contacts: { totalCount: 0 }, users: { totalCount: 1 }, customFieldDefinitions: [] });
  });

  it("node lookups of foreign ids return null, exactly like missing ones", async () => {
    const res = await server.gql(`query($a: ID!, $b: ID!, $u: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } u: node(id: $u) { id } }`,
      { a: clientA, b: contactA, u: orgA.userId }, orgB.token);
    expect(res.data).toEqual({ a: null, b: null, u: null });
  });

  it("the organization is a Node: its own id refetches it, another organization's reads as null; settings ids are stable", async () => {
    const own = (await server.gql(`{ organization { id name } reactivationSettings { id } reminderSettings { id } }`, {}, orgA.token)).data;
    expect((await server.gql(`query($id: ID!) { node(id: $id) { ... on Organization { name } } }`, { id: own.organization.id }, orgA.token)).data.node).toEqual({ name: "Tenant A" });
    expect((await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: own.organization.id }, orgB.token)).data.node).toBeNull();
    const again = (await server.gql(`{ reactivationSettings { id } reminderSettings { id } }`, {}, orgA.token)).data;
    expect(again).toEqual({ reactivationSettings: own.reactivationSettings, reminderSettings: own.reminderSettings });
    const other = (await server.gql(`{ reactivationSettings { id } }`, {}, orgB.token)).data;
    expect(other.reactivationSettings.id).not.toBe(own.reactivationSettings.id);
  });

  it("mutations on foreign ids are NotFound and change nothing", async () => {
    const update = await server.gql(
      `mutation($id: ID!) { updateClient(input: { id: $id, expectedVersion: 1, name: "pwned" }) { __typename ... on NotFoundError { entity } } }`,
      { id: clientA }, orgB.token);
    expect(update.data.updateClient).toEqual({ __typename: "NotFoundError", entity: "Client" });
    const log = await server.gql(
      `mutation($id: ID!) { logActivity(input: { clientId: $id, type: NOTE, body: "x" }) { __typename } }`, { id: clientA }, orgB.token);
    expect(log.data.logActivity.__typename).toBe("NotFoundError");
    const employ = await server.gql(
      `mutation($id: ID!) { createContact(input: { fullName: "Spy", employment: { clientId: $id } }) { __typename } }`, { id: clientA }, orgB.token);
    expect(employ.data.createContact.__typename).toBe("NotFoundError");
    const reassign = await server.gql(
      `mutation($u: ID!) { createClient(input: { name: "Mine", ownerId: $u }) { __typename ... on ValidationError { issues { path } } } }`,
      { u: orgA.userId }, orgB.token);
    expect(reassign.data.createClient).toEqual({ __typename: "ValidationError", issues: [{ path: ["input", "ownerId"] }] });
    const still = await server.gql(`query($id: ID!) { node(id: $id) { ... on Client { name version activityCount } } }`, { id: clientA }, orgA.token);
    expect(still.data.node).toEqual({ name: "Secret of A", version: 1, activityCount: 0 });
  });

  it("filters cannot widen the scope to another organization", async () => {
    const res = await server.gql(`query($u: ID!) { clients(filter: { ownerId: $u }) { totalCount } }`, { u: orgA.userId }, orgB.token);
    expect(res.data.clients.totalCount).toBe(0);
  });

  it("subscriptions only carry the subscriber's organization", async () => {
    const events: string[] = [];
    const ws = server.ws(orgB.token);
    ws.subscribe({ query: `subscription { clientChanged { client { name } } }` }, {
      next: (m: any) => events.push(m.data.clientChanged.client?.name), error: () => {}, complete: () => {},
    });
    const wsA = server.ws(orgA.token);
    const gotA = new Promise<void>((resolve) => wsA.subscribe({ query: `subscription { clientChanged { client { name } } }` }, {
      next: () => resolve(), error: () => {}, complete: () => {},
    }));
    await new Promise((r) => setTimeout(r, 200));
    await server.gql(`mutation { createClient(input: { name: "A only" }) { __typename } }`, {}, orgA.token);
    await gotA; // A's subscriber saw it, so B's would have too by now if it leaked
    await server.gql(`mutation { createClient(input: { name: "B own" }) { __typename } }`, {}, orgB.token);
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(["B own"]);
  });

  it("a graphql-ws connection with a bad token is closed with 4403", async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = server.ws("forged.token.value", { on: { closed: (e: any) => resolve(e.code) } });
      ws.subscribe({ query: `subscription { clientChanged { kind } }` }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    expect(code).toBe(4403);
  });
});
