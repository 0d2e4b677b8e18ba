import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeId } from "../src/graphql/global-id.js";
import { importClients } from "../src/import/import-clients.js";
import { readCsv } from "../src/import/csv.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

async function orgOf(token: string) {
  const me = await server.gql(`{ me { id } organization { id } }`, {}, token);
  return decodeId(me.data.organization.id).id;
}

const run = (organizationId: string, csv: Buffer | string, options: { dryRun?: boolean } = {}) =>
  importClients(server.app.services, readCsv(Buffer.isBuffer(csv) ? csv : Buffer.from(csv)), { organizationId, ...options });

async function clientsOf(token: string) {
  const res = await server.gql(`{ clients(first: 100, orderBy: { field: NAME }) { totalCount edges { node { externalId name phone version owner { name } stage { key } customFields } } } }`, {}, token);
  return res.data.clients;
}

describe("importing clients", () => {
  it("a Russian Excel export (Windows-1251, semicolons) lands in the caller's organization, in the first stage", async () => {
    const admin = await signUpOrg(server, "Import RU");
    const manager = await addUser(server, admin.token, "MANAGER", "Пётр");
    const managerEmail = (await server.gql(`{ me { email } }`, {}, manager.token)).data.me.email;
    const organizationId = await orgOf(admin.token);
    const file = iconv.encode(`Код;Название;Телефон;Ответственный\r\nК-1;ООО «Ромашка»;8 (495) 123-45-67;${managerEmail}\r\nК-2;Иванов Пётр;;\r\n`, "win1251");
    const summary = await run(organizationId, file);
    expect(summary).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0, refused: 0, issues: [], unknownColumns: [] });
    const clients = await clientsOf(admin.token);
    expect(clients.edges.map((e: any) => e.node)).toEqual([
      { externalId: "К-2", name: "Иванов Пётр", phone: null, version: 1, owner: null, stage: { key: "object" }, customFields: {} },
      { externalId: "К-1", name: "ООО «Ромашка»", phone: "+74951234567", version: 1, owner: { name: "Пётр" }, stage: { key: "object" }, customFields: {} },
    ]);
    // Another organization sees none of it.
    const other = await signUpOrg(server, "Import other");
    expect((await clientsOf(other.token)).totalCount).toBe(0);
  });

  it("re-importing the same file changes nothing; a changed row updates its client and bumps its version; a dry run writes nothing", async () => {
    const admin = await signUpOrg(server, "Import again");
    const organizationId = await orgOf(admin.token);
    const csv = "external_id,name,website,budget\nA1,Acme,acme.example,\nA2,Beta,,\n";
    expect(await run(organizationId, csv)).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(await run(organizationId, csv)).toMatchObject({ created: 0, updated: 0, unchanged: 2, unknownColumns: ["budget"] });
    const changed = "external_id,name,website\nA1,Acme Group,acme.example\nA2,Beta,\nA3,Gamma,\n";
    expect(await run(organizationId, changed, { dryRun: true })).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect((await clientsOf(admin.token)).totalCount).toBe(2); // the dry run wrote nothing
    expect(await run(organizationId, changed)).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const byId = Object.fromEntries((await clientsOf(admin.token)).edges.map((e: any) => [e.node.externalId, e.node]));
    expect(byId.A1).toMatchObject({ name: "Acme Group", version: 2 });
    expect(byId.A2).toMatchObject({ name: "Beta", version: 1 });
    expect(byId.A3).toMatchObject({ name: "Gamma", version: 1 });
    // Without an external id, a row matches its client by phone.
    await run(organizationId, "name,phone\nDelta,+7 916 000-00-01\n");
    expect(await run(organizationId, "name,phone\nDelta Ltd,8 916 000-00-01\n")).toMatchObject({ created: 0, updated: 1 });
  });

  it("refuses bad rows whole, with line, column and message, and imports the good ones", async () => {
    const admin = await signUpOrg(server, "Import errors");
    const organizationId = await orgOf(admin.token);
    const csv = [
      "id,name,phone,email,owner,channel",
      "B1,Good,,,,",
      "B2,,12,bad,nobody@nowhere.test,Radio",
      "B1,Twice,,,,",
      "B3,\"Multi",
      "line\",,,,",
    ].join("\n");
    const summary = await run(organizationId, csv);
    expect(summary).toMatchObject({ rows: 4, created: 2, refused: 2 });
    expect(summary.issues).toEqual([
      { line: 3, column: "name", message: "is required" },
      { line: 3, column: "phone", message: '"12" is not a valid phone number' },
      { line: 3, column: "email", message: '"bad" is not a valid e-mail address' },
      { line: 4, column: "id", message: '"B1" is also on line 2' },
    ]);
    const names = (await clientsOf(admin.token)).edges.map((e: any) => e.node.name);
    expect(names).toEqual(["Good", "Multi\nline"]);
    // Unknown owner and channel are reported too, once the rest of the row is fine.
    const refs = await run(organizationId, "name,owner,channel\nRefs,nobody@nowhere.test,Radio\n");
    expect(refs.issues).toEqual([
      { line: 2, column: "owner", message: "no active user with the e-mail nobody@nowhere.test" },
      { line: 2, column: "channel", message: 'no channel named "Radio"' },
    ]);
  });
});

describe("exporting clients", () => {
  const exportCsv = async (token?: string, query = "") =>
    fetch(`${server.url.replace("/graphql", "")}/export/clients.csv${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const defineBudget = (token: string) =>
    server.gql(`mutation { defineCustomField(input: { entity: CLIENT, key: "budget", label: "Budget", type: NUMBER }) { __typename } }`, {}, token);

  it("round trip: export, import into a fresh organization, export again: the same file", async () => {
    const a = await signUpOrg(server, "Export A");
    await defineBudget(a.token);
    await run(await orgOf(a.token), "externalId,name,phone,website,budget\nA1,Acme,+7 916 000-00-11,acme.example,1250.5\nA2,\"Beta, \"\"quoted\"\"\",,,\n");
    await server.gql(`mutation { createClient(input: { name: "Typed by hand", email: "hand@example.com" }) { __typename } }`, {}, a.token);
    const first = await exportCsv(a.token);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const fileA = await first.text();
    expect(fileA.split("\n")[0]).toBe("externalId,name,kind,website,phone,email,businessDescription,targetAudience,competitors,problemsFound,proposedSolutions,ownerEmail,channel,budget");

    const b = await signUpOrg(server, "Export B");
    await defineBudget(b.token);
    expect(await run(await orgOf(b.token), fileA)).toMatchObject({ created: 3, refused: 0 });
    expect(await (await exportCsv(b.token)).text()).toBe(fileA);
  });

  it("needs a token, sees only the caller's organization, and filters like the clients query", async () => {
    expect((await exportCsv()).status).toBe(401);
    expect((await exportCsv("not-a-token")).status).toBe(401);
    const c = await signUpOrg(server, "Export C");
    await run(await orgOf(c.token), "name\nAlpha tea\nBravo coffee\n");
    const all = (await (await exportCsv(c.token)).text()).trim().split("\n");
    expect(all.slice(1).map((line) => line.split(",")[1])).toEqual(["Alpha tea", "Bravo coffee"]);
    const tea = (await (await exportCsv(c.token, "?search=tea")).text()).trim().split("\n");
    expect(tea.slice(1).map((line) => line.split(",")[1])).toEqual(["Alpha tea"]);
    expect((await exportCsv(c.token, "?ownerId=garbage")).status).toBe(400);
  });
});

describe("importing a purchase history", () => {
  const runOrders = async (organizationId: string, csv: string, options: { dryRun?: boolean } = {}) => {
    const { importOrders } = await import("../src/import/import-orders.js");
    return importOrders(server.app.services, readCsv(Buffer.from(csv)), { organizationId, ...options });
  };

  it("orders name their client by external id; re-import changes nothing; history fires no follow-ups but feeds intervals and the sweep", async () => {
    const admin = await signUpOrg(server, "Import orders");
    const organizationId = await orgOf(admin.token);
    await run(organizationId, "externalId,name\nC1,Regular buyer\n");
    const csv = [
      "Код заказа;Код клиента;Номер;Сумма;Дата счета;Дата оплаты",
      "O1;C1;INV-1;1 000,50;01.01.2021;03.01.2021",
      "O2;C1;INV-2;2000;2021-03-01;2021-03-02",
      "O3;C1;INV-3;3000;2021-05-01;",
      "O4;C9;INV-4;10;2021-05-01;",
      "O5;C1;;-5;2099-01-01;",
    ].join("\n");
    const first = await runOrders(organizationId, csv);
    expect(first).toMatchObject({ rows: 5, created: 3, refused: 2 });
    expect(first.issues).toEqual([
      { line: 5, column: "Код клиента", message: 'no client with the external id "C9"' },
      { line: 6, column: "Сумма", message: '"-5" must be a positive amount like 9000 or 9000.50 (at most 2 decimals)' },
      { line: 6, column: "Дата счета", message: "cannot be in the future" },
    ]);
    expect(await runOrders(organizationId, csv)).toMatchObject({ created: 0, updated: 0, unchanged: 3, refused: 2 });

    const card = await server.gql(`{ clients(first: 1) { edges { node { id lastPurchaseAt expectedPurchaseIntervalDays tasks { totalCount } orders { totalCount } } } } }`, {}, admin.token);
    expect(card.data.clients.edges[0].node).toMatchObject({
      lastPurchaseAt: "2021-03-02T00:00:00.000Z", expectedPurchaseIntervalDays: 58, tasks: { totalCount: 0 }, orders: { totalCount: 3 },
    });
    const sweep = await server.gql(`mutation { runReactivationSweep { ... on RunReactivationSweepPayload { result { entries { client { id } lastPurchaseAt } } } } }`, {}, admin.token);
    expect(sweep.data.runReactivationSweep.result.entries).toEqual([{ client: { id: card.data.clients.edges[0].node.id }, lastPurchaseAt: "2021-03-02T00:00:00.000Z" }]);
  });
});

describe("importing contacts with their jobs", () => {
  const runContacts = async (organizationId: string, csv: string, options: { dryRun?: boolean } = {}) => {
    const { importContacts } = await import("../src/import/import-contacts.js");
    return importContacts(server.app.services, readCsv(Buffer.from(csv)), { organizationId, ...options });
  };

  it("people with several jobs, decision-makers with direct lines and real dates; re-import changes nothing", async () => {
    const admin = await signUpOrg(server, "Import contacts");
    const organizationId = await orgOf(admin.token);
    await run(organizationId, "externalId,name\nC1,Old Co\nC2,New Co\n");
    const csv = [
      "ID;ФИО;Телефон;Почта;Код клиента;Должность;ЛПР;Прямой телефон;Дата начала;Дата окончания",
      "P1;Иван Петров;+7 916 111-11-11;Ivan@Old.example;C1;Директор;да;+7 495 111-11-11;01.02.2019;31.05.2024",
      "P1;Иван Петров;+7 916 111-11-11;ivan@new.example;C2;CEO;да;+7 495 222-22-22;01.06.2024;",
      "P2;Ольга Сидорова;;olga@old.example;C1;Бухгалтер;нет;;;",
      "P3;Никто;;;C9;;;;;",
      ";Без контактов;;;;;;;;",
    ].join("\n");
    const first = await runContacts(organizationId, csv);
    expect(first).toMatchObject({ rows: 5, created: 3, refused: 2 });
    expect(first.issues).toEqual([
      { line: 5, column: "Код клиента", message: 'no client with the external id "C9"' },
      { line: 6, column: "ID", message: "a contact needs an external id, an e-mail or a phone, so importing the file again finds them" },
    ]);
    expect(await runContacts(organizationId, csv)).toMatchObject({ created: 0, updated: 0, unchanged: 3, refused: 2 });

    const ivan = await server.gql(`{ contacts(search: "ivan@new.example") { edges { node { externalId fullName phones emails
      employments { edges { node { title isDecisionMaker directPhone startedAt endedAt client { name } } } } } } } }`, {}, admin.token);
    const node = ivan.data.contacts.edges[0].node;
    expect(node).toMatchObject({ externalId: "P1", fullName: "Иван Петров", phones: ["+79161111111"], emails: ["ivan@old.example", "ivan@new.example"] });
    expect(node.employments.edges.map((e: any) => e.node)).toEqual([
      { title: "CEO", isDecisionMaker: true, directPhone: "+74952222222", startedAt: "2024-06-01T00:00:00.000Z", endedAt: null, client: { name: "New Co" } },
      { title: "Директор", isDecisionMaker: true, directPhone: "+74951111111", startedAt: "2019-02-01T00:00:00.000Z", endedAt: "2024-05-31T00:00:00.000Z", client: { name: "Old Co" } },
    ]);
    // A changed title updates the job in place.
    const promoted = csv.replace("P2;Ольга Сидорова;;olga@old.example;C1;Бухгалтер", "P2;Ольга Сидорова;;olga@old.example;C1;Главный бухгалтер");
    expect(await runContacts(organizationId, promoted)).toMatchObject({ updated: 1, unchanged: 2 });
  });
});

describe("exporting a whole base: clients, contacts and orders", () => {
  const get = (kind: string, token: string) => fetch(`${server.url.replace("/graphql", "")}/export/${kind}.csv`, { headers: { authorization: `Bearer ${token}` } });
  const text = async (kind: string, token: string) => {
    const res = await get(kind, token);
    expect(res.status).toBe(200);
    return res.text();
  };
  const importInto = async (organizationId: string, files: Record<string, string>) => {
    const { IMPORTERS } = await import("../src/import/importers.js");
    for (const kind of ["CLIENTS", "CONTACTS", "ORDERS"] as const) {
      const summary = await IMPORTERS[kind](server.app.services, readCsv(Buffer.from(files[kind.toLowerCase()]!)), { organizationId });
      expect(summary.refused, JSON.stringify(summary.issues)).toBe(0);
    }
  };

  it("round trip of all three kinds: export, import into a fresh organization, export again gives the same files", async () => {
    const a = await signUpOrg(server, "Base A");
    await importInto(await orgOf(a.token), {
      clients: "externalId,name\nC1,Alpha\nC2,Bravo\n",
      contacts: "externalId,fullName,phones,emails,clientExternalId,title,isDecisionMaker,startedAt,endedAt\n" +
        "P1,Ivan,+7 916 111-11-11;+7 916 111-11-12,ivan@a.example,C1,CEO,yes,2019-02-01,2024-05-31\nP1,Ivan,,,C2,Owner,yes,2024-06-01,\nP2,Olga,,olga@a.example,,,,,\n",
      orders: "externalId,clientExternalId,number,amount,invoicedAt,paidAt\nO1,C1,INV-1,1000.5,2021-01-01,2021-01-03\nO2,C2,INV-2,20,2022-01-01,\n",
    });
    // A record typed by hand has no external id: its own id stands in, and the clients export names it the same way.
    const created = await server.gql(`mutation { createClient(input: { name: "Charlie" }) { ... on CreateClientPayload { client { id } } } }`, {}, a.token);
    await server.gql(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "75.00", number: "H-1" }) { __typename } }`, { c: created.data.createClient.client.id }, a.token);
    const files = { clients: await text("clients", a.token), contacts: await text("contacts", a.token), orders: await text("orders", a.token) };
    expect(files.contacts.trim().split("\n")).toEqual([
      "externalId,fullName,phones,emails,clientExternalId,title,isDecisionMaker,directPhone,startedAt,endedAt",
      "P1,Ivan,+79161111111; +79161111112,ivan@a.example,C1,CEO,yes,,2019-02-01T00:00:00.000Z,2024-05-31T00:00:00.000Z",
      "P1,Ivan,+79161111111; +79161111112,ivan@a.example,C2,Owner,yes,,2024-06-01T00:00:00.000Z,",
      "P2,Olga,,olga@a.example,,,,,,",
    ]);
    // Orders without an invoice date first (the one typed by hand), then by invoice date.
    expect(files.orders.trim().split("\n").slice(2)).toEqual(["O1,C1,INV-1,1000.50,2021-01-01T00:00:00.000Z,2021-01-03T00:00:00.000Z,,", "O2,C2,INV-2,20.00,2022-01-01T00:00:00.000Z,,,"]);

    const b = await signUpOrg(server, "Base B");
    await importInto(await orgOf(b.token), files);
    for (const kind of ["clients", "contacts", "orders"] as const) expect(await text(kind, b.token)).toBe(files[kind]);
  });

  it("a manager exports only the clients they own, with their people and orders; others see none of another organization", async () => {
    const admin = await signUpOrg(server, "Scoped export");
    const manager = await addUser(server, admin.token, "MANAGER", "Mila");
    const me = await server.gql(`{ me { email } }`, {}, manager.token);
    await importInto(await orgOf(admin.token), {
      clients: `externalId,name,ownerEmail\nM1,Mine,${me.data.me.email}\nT1,Theirs,\n`,
      contacts: "externalId,fullName,emails,clientExternalId\nP1,Mine person,p1@x.example,M1\nP2,Their person,p2@x.example,T1\n",
      orders: "externalId,clientExternalId,number,amount\nO1,M1,1,10\nO2,T1,2,20\n",
    });
    const column = async (kind: string, token: string, index: number) => (await text(kind, token)).trim().split("\n").slice(1).map((l) => l.split(",")[index]);
    expect(await column("clients", manager.token, 1)).toEqual(["Mine"]);
    expect(await column("contacts", manager.token, 1)).toEqual(["Mine person"]);
    expect(await column("orders", manager.token, 0)).toEqual(["O1"]);
    expect(await column("orders", admin.token, 0)).toEqual(["O1", "O2"]);
    const stranger = await signUpOrg(server, "Stranger");
    for (const kind of ["clients", "contacts", "orders"]) expect((await text(kind, stranger.token)).trim().split("\n")).toHaveLength(1);
    expect((await get("invoices", admin.token)).status).toBe(404);
  });
});
