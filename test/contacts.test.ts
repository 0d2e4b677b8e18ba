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
      employments { totalCount edges { node { title current client { name } } } } activities { totalCount } } } }`, { id: ivan.id }, token);
    expect(history.data.node.employments.totalCount).toBe(2);
    expect(history.data.node.employments.edges.map((e: any) => e.node)).toEqual([
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

  it("an employment is edited in place, version-checked; imported history keeps its real dates", async () => {
    const client = await newClient("Edited Co");
    const create = `mutation($input: CreateContactInput!) { createContact(input: $input) { ... on CreateContactPayload { contact { id } } } }`;
    const anna = (await server.gql(create, { input: { fullName: "Anna Orlova", employment: { clientId: client, title: "Buyer", startedAt: "2019-03-01T00:00:00Z" } } }, token)).data.createContact.contact;
    const jobs = async () => (await server.gql(`query($id: ID!) { node(id: $id) { ... on Contact { employments(current: true) { edges { node { id version title isDecisionMaker directPhone startedAt } } } } } }`, { id: anna.id }, token)).data.node.employments.edges.map((e: any) => e.node);
    const [job] = await jobs();
    expect(job).toMatchObject({ version: 1, title: "Buyer", isDecisionMaker: false, directPhone: null, startedAt: "2019-03-01T00:00:00.000Z" });

    const update = `mutation($input: UpdateEmploymentInput!) { updateEmployment(input: $input) { __typename
      ... on UpdateEmploymentPayload { employment { title isDecisionMaker directPhone version startedAt } }
      ... on VersionConflictError { currentVersion } ... on ValidationError { issues { path message } } } }`;
    const promoted = await server.gql(update, { input: { id: job.id, expectedVersion: 1, title: "Head of purchasing", isDecisionMaker: true, directPhone: "+7 916 777-00-01" } }, token);
    expect(promoted.data.updateEmployment.employment).toEqual({ title: "Head of purchasing", isDecisionMaker: true, directPhone: "+79167770001", version: 2, startedAt: "2019-03-01T00:00:00.000Z" });
    // A second editor who read version 1 does not overwrite it.
    expect((await server.gql(update, { input: { id: job.id, expectedVersion: 1, title: "Clerk" } }, token)).data.updateEmployment).toEqual({ __typename: "VersionConflictError", currentVersion: 2 });
    const cleared = await server.gql(update, { input: { id: job.id, expectedVersion: 2, directPhone: null } }, token);
    expect(cleared.data.updateEmployment.employment).toMatchObject({ title: "Head of purchasing", isDecisionMaker: true, directPhone: null, version: 3 });
    const dms = await server.gql(`query($id: ID!) { node(id: $id) { ... on Client { decisionMakerCount } } }`, { id: client }, token);
    expect(dms.data.node.decisionMakerCount).toBe(1);

    // She moved in 2024: the old job ends as the new one starts; a start date in the future is refused.
    const other = await newClient("Next Co");
    const add = `mutation($input: AddEmploymentInput!) { addEmployment(input: $input) { __typename ... on ValidationError { issues { path message } } } }`;
    expect((await server.gql(add, { input: { contactId: anna.id, clientId: other, startedAt: "2099-01-01T00:00:00Z" } }, token)).data.addEmployment.issues)
      .toEqual([{ path: ["input", "startedAt"], message: "cannot be in the future" }]);
    expect((await server.gql(add, { input: { contactId: anna.id, clientId: other, startedAt: "2024-06-01T00:00:00Z", endCurrent: true } }, token)).data.addEmployment.__typename).toBe("AddEmploymentPayload");
    const all = (await server.gql(`query($id: ID!) { node(id: $id) { ... on Contact { employments { edges { node { client { name } startedAt endedAt } } } } } }`, { id: anna.id }, token)).data.node.employments.edges.map((e: any) => e.node);
    expect(all).toEqual([
      { client: { name: "Next Co" }, startedAt: "2024-06-01T00:00:00.000Z", endedAt: null },
      { client: { name: "Edited Co" }, startedAt: "2019-03-01T00:00:00.000Z", endedAt: "2024-06-01T00:00:00.000Z" },
    ]);
  });

  it("contacts(search:) finds a person by name, any format of their phone, or their e-mail in any case", async () => {
    const create = `mutation($input: CreateContactInput!) { createContact(input: $input) { ... on CreateContactPayload { contact { id emails } } } }`;
    const boris = (await server.gql(create, { input: { fullName: "Boris Searchable", phones: ["+7 916 321-00-99"], emails: ["Boris.S@Example.com"] } }, token)).data.createContact.contact;
    expect(boris.emails).toEqual(["boris.s@example.com"]);
    const find = async (search: string) =>
      (await server.gql(`query($s: String) { contacts(search: $s) { edges { node { id } } } }`, { s: search }, token)).data.contacts.edges.map((e: any) => e.node.id);
    for (const term of ["searchable", "8 (916) 321-00-99", "+79163210099", "BORIS.S@EXAMPLE.COM"]) expect(await find(term)).toEqual([boris.id]);
    expect(await find("+79163210000")).toEqual([]);
    expect(await find("nobody@example.com")).toEqual([]);
  });
});
