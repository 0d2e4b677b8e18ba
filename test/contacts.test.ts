import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await signUpOrg(server, "Contacts Org");
  token = (await addUser(server, admin.token, "MANAGER")).token;
});
afterAll(() => server?.stop());

async function newClient(name: string): Promise<string> {
  const res = await server.gql(`mutation($n: String!) { createClient(input: { name: $n }) { ... on CreateClientPayload { client { id } } } }`, { n: name }, token);
  return res.data.createClient.client.id;
}

describe("contacts and employments", () => {
  it("a company has several decision-makers; a contact who moves keeps the history", async () => {
    const oldCo = await newClient("Old Co");
    const newCo = await newClient("New Co");
    const create = `mutation($input: CreateContactInput!) { createContact(input: $input) {
      __typename ... on CreateContactPayload { contact { id phones } } ... on ValidationError { issues { path message } } } }`;
    const ivan = (await server.gql(create, { input: { fullName: "Ivan Petrov", phones: ["+7 916 000-11-22"], employment: { clientId: oldCo, title: "CEO", isDecisionMaker: true, directPhone: "+79160001122" } } }, token)).data.createContact.contact;
    expect(ivan.phones).toEqual(["+79160001122"]);
    await server.gql(create, { input: { fullName: "Olga Sidorova", employment: { clientId: oldCo, title: "CFO", isDecisionMaker: true } } }, token);
    await server.gql(`mutation($c: ID!, $k: ID!) { logActivity(input: { clientId: $c, contactId: $k, type: CALL, body: "talked" }) { __typename } }`, { c: oldCo, k: ivan.id }, token);

    const dms = await server.gql(`query($id: ID!) { node(id: $id) { ... on Client { decisionMakerCount } } }`, { id: oldCo }, token);
    expect(dms.data.node.decisionMakerCount).toBe(2);

    const move = await server.gql(`mutation($k: ID!, $c: ID!) { addEmployment(input: { contactId: $k, clientId: $c, title: "COO", endCurrent: true }) {
      __typename ... on AddEmploymentPayload { employment { current client { name } } } } }`, { k: ivan.id, c: newCo }, token);
    expect(move.data.addEmployment).toEqual({ __typename: "AddEmploymentPayload", employment: { current: true, client: { name: "New Co" } } });

    const history = await server.gql(`query($id: ID!) { node(id: $id) { ... on Contact {
      employments { title current client { name } } activities { totalCount } } } }`, { id: ivan.id }, token);
    expect(history.data.node.employments).toEqual([
      { title: "COO", current: true, client: { name: "New Co" } },
      { title: "CEO", current: false, client: { name: "Old Co" } },
    ]);
    expect(history.data.node.activities.totalCount).toBe(1);
    const oldNow = await server.gql(`query($id: ID!) { node(id: $id) { ... on Client { decisionMakerCount
      former: employments(current: false) { totalCount } current: employments(current: true) { totalCount } } } }`, { id: oldCo }, token);
    expect(oldNow.data.node).toEqual({ decisionMakerCount: 1, former: { totalCount: 1 }, current: { totalCount: 1 } });
  });

  it("rejects invalid contact input and changes nothing", async () => {
    const before = (await server.gql(`{ contacts { totalCount } }`, {}, token)).data.contacts.totalCount;
    const res = await server.gql(`mutation { createContact(input: { fullName: "   " }) { __typename ... on ValidationError { issues { path message } } } }`, {}, token);
    expect(res.data.createContact).toEqual({ __typename: "ValidationError", issues: [{ path: ["input", "fullName"], message: "is required" }] });
    const badEmail = await server.gql(`mutation { createContact(input: { fullName: "X", emails: ["nope"] }) { __typename } }`, {}, token);
    expect(badEmail.errors?.[0]?.message).toMatch(/email/i);
    expect((await server.gql(`{ contacts { totalCount } }`, {}, token)).data.contacts.totalCount).toBe(before);
  });

  it("updates a contact with version checks", async () => {
    const c = (await server.gql(`mutation { createContact(input: { fullName: "Versioned Person" }) { ... on CreateContactPayload { contact { id version } } } }`, {}, token)).data.createContact.contact;
    const upd = `mutation($input: UpdateContactInput!) { updateContact(input: $input) { __typename ... on UpdateContactPayload { contact { fullName version } } } }`;
    expect((await server.gql(upd, { input: { id: c.id, expectedVersion: 1, fullName: "Renamed" } }, token)).data.updateContact.contact).toEqual({ fullName: "Renamed", version: 2 });
    expect((await server.gql(upd, { input: { id: c.id, expectedVersion: 1, fullName: "Stale" } }, token)).data.updateContact.__typename).toBe("VersionConflictError");
  });
});
