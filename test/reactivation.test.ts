import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";
import { waitFor } from "./helpers/wait.js";

const NOW = new Date("2026-06-01T12:00:00Z");
let server: TestServer;
const clock = new ManualClock(NOW);

beforeAll(async () => {
  server = await startTestServer({ clock, config: { backgroundJobs: false } });
});
afterAll(() => server?.stop());

async function gqlOk(query: string, variables: Record<string, unknown>, token: string) {
  const res = await server.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

async function clientWithPurchases(token: string, name: string, paidDates: string[], options: { cancelled?: boolean } = {}) {
  const { createClient } = await gqlOk(`mutation($n: String!) { createClient(input: { name: $n }) { ... on CreateClientPayload { client { id } } } }`, { n: name }, token);
  const clientId = createClient.client.id;
  for (const date of paidDates) {
    const { createOrder } = await gqlOk(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "9000.00" }) { ... on CreateOrderPayload { order { id version } } } }`, { c: clientId }, token);
    const paid = await gqlOk(`mutation($id: ID!, $at: DateTime!) { markOrderPaid(input: { id: $id, expectedVersion: 1, at: $at }) {
      __typename ... on MarkOrderPaidPayload { order { version } } ... on Error { message } } }`, { id: createOrder.order.id, at: `${date}T12:00:00Z` }, token);
    expect(paid.markOrderPaid.__typename).toBe("MarkOrderPaidPayload");
    if (options.cancelled) {
      await gqlOk(`mutation($id: ID!) { cancelOrder(input: { id: $id, expectedVersion: 2 }) { __typename } }`, { id: createOrder.order.id }, token);
    }
  }
  return clientId as string;
}

const SWEEP = `mutation { runReactivationSweep { __typename ... on RunReactivationSweepPayload { result { createdCount entries { client { name } assignee { id } status expectedIntervalDays callScript } } } ... on Error { message } } }`;

async function sweep(token: string) {
  const data = await gqlOk(SWEEP, {}, token);
  return data.runReactivationSweep;
}

/** The hand-made history from the unit tests, as real orders through the API. */
async function seedHistory(orgName: string) {
  const admin = await signUpOrg(server, orgName);
  const manager = await addUser(server, admin.token, "MANAGER", `${orgName} manager`);
  const ids = {
    a: await clientWithPurchases(manager.token, "A monthly, lapsed", ["2026-01-01", "2026-02-01", "2026-03-01"]),
    b: await clientWithPurchases(manager.token, "B monthly, recent", ["2026-04-20", "2026-05-20"]),
    c: await clientWithPurchases(manager.token, "C single, old", ["2026-04-01"]),
    d: await clientWithPurchases(manager.token, "D single, recent", ["2026-05-25"]),
    e: await clientWithPurchases(manager.token, "E never bought", []),
    f: await clientWithPurchases(manager.token, "F cancelled only", ["2026-01-01"], { cancelled: true }),
  };
  return { admin, manager, ids };
}

describe("reactivation", () => {
  it("exposes each client's purchase interval, last purchase and days since", async () => {
    const { manager, ids } = await seedHistory("Intervals");
    const q = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Client { name lastPurchaseAt daysSinceLastPurchase expectedPurchaseIntervalDays } } }`;
    const { nodes } = await gqlOk(q, { ids: [ids.a, ids.c, ids.e] }, manager.token);
    expect(nodes).toEqual([
      { name: "A monthly, lapsed", lastPurchaseAt: "2026-03-01T12:00:00.000Z", daysSinceLastPurchase: 92, expectedPurchaseIntervalDays: 29.5 },
      { name: "C single, old", lastPurchaseAt: "2026-04-01T12:00:00.000Z", daysSinceLastPurchase: 61, expectedPurchaseIntervalDays: 29.8 },
      { name: "E never bought", lastPurchaseAt: null, daysSinceLastPurchase: null, expectedPurchaseIntervalDays: null },
    ]);
  });

  it("the sweep picks exactly the lapsed clients, assigns them to the owner with a call task, and is idempotent", async () => {
    const { admin, manager } = await seedHistory("Sweep");
    const first = await sweep(admin.token);
    expect(first.result.createdCount).toBe(2);
    expect(first.result.entries.map((e: any) => e.client.name).sort()).toEqual(["A monthly, lapsed", "C single, old"]);
    for (const entry of first.result.entries) {
      expect(entry.assignee.id).toBe(manager.userId);
      expect(entry.status).toBe("OPEN");
      expect(entry.callScript).toMatch(/reason/);
    }
    expect(first.result.entries.find((e: any) => e.client.name.startsWith("A")).expectedIntervalDays).toBe(29.5);
    const tasks = await server.app.services.prisma.task.findMany({ where: { type: "REACTIVATION_CALL", assigneeId: fromGlobal(manager.userId) } });
    expect(tasks).toHaveLength(2);
    expect(tasks.every((t) => t.dueAt.getTime() === NOW.getTime() && t.status === "OPEN")).toBe(true);

    const again = await sweep(admin.token);
    expect(again.result.createdCount).toBe(0);
    const concurrent = await Promise.all([sweep(admin.token), sweep(admin.token)]);
    expect(concurrent.map((r) => r.result.createdCount)).toEqual([0, 0]);
  });

  it("respects the factor and the fixed period", async () => {
    const { admin } = await seedHistory("Factor");
    const settings = `mutation($input: UpdateReactivationSettingsInput!) { updateReactivationSettings(input: $input) {
      __typename ... on UpdateReactivationSettingsPayload { settings { factor fixedPeriodDays } } ... on ValidationError { issues { path message } } } }`;
    expect((await gqlOk(settings, { input: { factor: 2.5 } }, admin.token)).updateReactivationSettings.settings).toEqual({ factor: 2.5, fixedPeriodDays: null });
    // 92 days > 29.5 × 2.5 = 73.75 for A; C: 61 < 29.75 × 2.5
    expect((await sweep(admin.token)).result.entries.map((e: any) => e.client.name)).toEqual(["A monthly, lapsed"]);
    await gqlOk(settings, { input: { factor: 1, fixedPeriodDays: 10 } }, admin.token);
    // With a fixed 10 days: B (12 days) and C (61) are due; D (7 days) is not; A already has an open entry.
    expect((await sweep(admin.token)).result.entries.map((e: any) => e.client.name).sort()).toEqual(["B monthly, recent", "C single, old"]);
    const bad = await gqlOk(settings, { input: { factor: -1 } }, admin.token);
    expect(bad.updateReactivationSettings).toEqual({ __typename: "ValidationError", issues: [{ path: ["input", "factor"], message: "must be at least 0.1" }] });
  });

  it("a purchase dated after the entry opened closes it as won back; an old payment recorded today does not", async () => {
    const { admin, manager, ids } = await seedHistory("Outcomes");
    const { result } = await sweep(admin.token);
    const entryOf = async (clientId: string) =>
      (await gqlOk(`query($id: ID!) { node(id: $id) { ... on Client { reactivationEntries { id status version openedAt closedAt task { type status } } } } }`, { id: clientId }, manager.token)).node.reactivationEntries[0];
    expect(result.createdCount).toBe(2);
    expect(await entryOf(ids.a)).toMatchObject({ status: "OPEN", openedAt: NOW.toISOString(), task: { type: "REACTIVATION_CALL", status: "OPEN" } });

    // Today the manager records a payment made four months ago: history, not a win-back.
    await clientOrderPaid(manager.token, ids.a, "2026-02-01T10:00:00Z");
    expect(await entryOf(ids.a)).toMatchObject({ status: "OPEN", closedAt: null });
    // A purchase after the entry opened closes it (and its call task), never before it opened.
    clock.set(new Date("2026-06-01T14:00:00Z"));
    await clientOrderPaid(manager.token, ids.a, "2026-06-01T13:00:00Z");
    expect(await entryOf(ids.a)).toMatchObject({ status: "WON_BACK", closedAt: "2026-06-01T13:00:00.000Z", task: { status: "DONE" } });
    clock.set(NOW);
  });

  it("a lost outcome needs a churn reason id, like a move to Lost; the client rests for the cool-down unless it buys", async () => {
    const { admin, manager, ids } = await seedHistory("Lost rest");
    await sweep(admin.token);
    const entryOf = async (clientId: string) =>
      (await gqlOk(`query($id: ID!) { node(id: $id) { ... on Client { reactivationEntries { id status version } } } }`, { id: clientId }, manager.token)).node.reactivationEntries;
    const [c] = await entryOf(ids.c);
    const reasons = (await gqlOk(`{ reasons(kind: CHURN) { id key } }`, {}, manager.token)).reasons;
    const competitor = reasons.find((r: any) => r.key === "competitor").id;
    const record = `mutation($input: RecordReactivationCallInput!) { recordReactivationCall(input: $input) {
      __typename ... on RecordReactivationCallPayload { entry { status churnReason { key label kind } note } } ... on ValidationError { issues { path message } } } }`;
    const noReason = await gqlOk(record, { input: { entryId: c.id, expectedVersion: c.version, outcome: "LOST", note: "went elsewhere" } }, manager.token);
    expect(noReason.recordReactivationCall.issues).toEqual([{ path: ["input", "reasonId"], message: "a churn reason is required when the client is lost" }]);
    const lostReason = (await gqlOk(`{ reasons(kind: LOST) { id } }`, {}, manager.token)).reasons[0].id;
    const wrongKind = await gqlOk(record, { input: { entryId: c.id, expectedVersion: c.version, outcome: "LOST", reasonId: lostReason, note: "x" } }, manager.token);
    expect(wrongKind.recordReactivationCall.issues).toEqual([{ path: ["input", "reasonId"], message: "is not a churn reason of your organization" }]);
    const lost = await gqlOk(record, { input: { entryId: c.id, expectedVersion: c.version, outcome: "LOST", reasonId: competitor, note: "went elsewhere" } }, manager.token);
    expect(lost.recordReactivationCall.entry).toEqual({ status: "LOST", churnReason: { key: "competitor", label: "Competitor", kind: "CHURN" }, note: "went elsewhere" });
    const timeline = await gqlOk(`query($id: ID!) { node(id: $id) { ... on Client { activities { edges { node { type outcome body } } } } } }`, { id: ids.c }, manager.token);
    expect(timeline.node.activities.edges[0].node).toEqual({ type: "CALL", outcome: "CHURNED", body: "went elsewhere" });

    // Next week's sweep does not list the lost client again.
    clock.set(new Date("2026-06-08T12:00:00Z"));
    expect((await sweep(admin.token)).result.entries.map((e: any) => e.client.name)).not.toContain("C single, old");
    // After the cool-down (180 days by default) it is listed again.
    clock.set(new Date("2026-12-01T12:00:00Z"));
    expect((await sweep(admin.token)).result.entries.map((e: any) => e.client.name)).toContain("C single, old");
    expect((await entryOf(ids.c)).map((e: any) => e.status)).toEqual(["OPEN", "LOST"]);
    clock.set(NOW);
  });

  it("a lost client that buys again is listed at its next lapse, cool-down or not; settings are typed", async () => {
    const { admin, manager, ids } = await seedHistory("Lost returns");
    const settings = `mutation($input: UpdateReactivationSettingsInput!) { updateReactivationSettings(input: $input) {
      __typename ... on UpdateReactivationSettingsPayload { settings { assignTo relistLostAfterDays lastSweepAt } } ... on ValidationError { issues { path message } } } }`;
    expect((await gqlOk(settings, { input: { relistLostAfterDays: 365, assignTo: "OWNER" } }, admin.token)).updateReactivationSettings.settings)
      .toEqual({ assignTo: "OWNER", relistLostAfterDays: 365, lastSweepAt: null });
    expect((await gqlOk(settings, { input: { relistLostAfterDays: -1 } }, admin.token)).updateReactivationSettings.issues)
      .toEqual([{ path: ["input", "relistLostAfterDays"], message: "cannot be negative" }]);
    await sweep(admin.token);
    expect((await gqlOk(`{ reactivationSettings { lastSweepAt } }`, {}, admin.token)).reactivationSettings.lastSweepAt).toBe(NOW.toISOString());
    const [c] = (await gqlOk(`query($id: ID!) { node(id: $id) { ... on Client { reactivationEntries { id version } } } }`, { id: ids.c }, manager.token)).node.reactivationEntries;
    const churn = (await gqlOk(`{ reasons(kind: CHURN) { id } }`, {}, manager.token)).reasons[0].id;
    await gqlOk(`mutation($input: RecordReactivationCallInput!) { recordReactivationCall(input: $input) { __typename } }`,
      { input: { entryId: c.id, expectedVersion: c.version, outcome: "LOST", reasonId: churn, note: "gone" } }, manager.token);
    // It buys again two weeks later, then lapses: ~75 days later it is due again although the cool-down is a year.
    clock.set(new Date("2026-06-15T12:00:00Z"));
    await clientOrderPaid(manager.token, ids.c, "2026-06-15T11:00:00Z");
    clock.set(new Date("2026-09-01T12:00:00Z"));
    expect((await sweep(admin.token)).result.entries.map((e: any) => e.client.name)).toContain("C single, old");
    clock.set(NOW);
  });

  it("a past purchase is one call: createOrder takes paidAt and shippedAt, validated, with no chase for a paid invoice", async () => {
    const { manager, ids } = await seedHistory("Past purchase");
    const create = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename
      ... on CreateOrderPayload { order { paidAt shippedAt unpaidInvoice } } ... on ValidationError { issues { path message } } } }`;
    const future = await gqlOk(create, { input: { clientId: ids.e, amount: "10", paidAt: "2026-06-02T12:00:00Z" } }, manager.token);
    expect(future.createOrder.issues).toEqual([{ path: ["input", "paidAt"], message: "cannot be in the future" }]);
    const early = await gqlOk(create, { input: { clientId: ids.e, amount: "10", invoicedAt: "2026-05-10T00:00:00Z", paidAt: "2026-05-01T00:00:00Z", shippedAt: "2026-05-02T00:00:00Z" } }, manager.token);
    expect(early.createOrder.issues).toEqual([
      { path: ["input", "paidAt"], message: "cannot be before invoicedAt" },
      { path: ["input", "shippedAt"], message: "cannot be before invoicedAt" },
    ]);
    const past = await gqlOk(create, { input: { clientId: ids.e, amount: "10", invoicedAt: "2026-05-01T00:00:00Z", paidAt: "2026-05-03T00:00:00Z", shippedAt: "2026-05-04T00:00:00Z" } }, manager.token);
    expect(past.createOrder.order).toEqual({ paidAt: "2026-05-03T00:00:00.000Z", shippedAt: "2026-05-04T00:00:00.000Z", unpaidInvoice: false });
    const card = await gqlOk(`query($id: ID!) { node(id: $id) { ... on Client { lastPurchaseAt orders { totalCount } tasks { totalCount } } } }`, { id: ids.e }, manager.token);
    expect(card.node).toEqual({ lastPurchaseAt: "2026-05-03T00:00:00.000Z", orders: { totalCount: 1 }, tasks: { totalCount: 0 } });
  });

  it("money is exact and validated; order steps happen once", async () => {
    const { manager, ids } = await seedHistory("Money");
    const create = `mutation($c: ID!, $a: Decimal!) { createOrder(input: { clientId: $c, amount: $a }) { __typename ... on CreateOrderPayload { order { amount } } ... on ValidationError { issues { message } } } }`;
    expect((await gqlOk(create, { c: ids.e, a: "1234567.89" }, manager.token)).createOrder.order.amount).toBe("1234567.89");
    expect((await gqlOk(create, { c: ids.e, a: "0.00" }, manager.token)).createOrder.issues[0].message).toBe("must be greater than zero");
    const float = await server.gql(create, { c: ids.e, a: 0.1 }, manager.token);
    expect(float.errors?.[0]?.message).toMatch(/Decimal must be a string/);
    const { createOrder } = await gqlOk(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "10" }) { ... on CreateOrderPayload { order { id } } } }`, { c: ids.e }, manager.token);
    const pay = `mutation($id: ID!, $v: Int!) { markOrderPaid(input: { id: $id, expectedVersion: $v }) { __typename ... on MarkOrderPaidPayload { order { version } } ... on ValidationError { issues { message } } } }`;
    expect((await gqlOk(pay, { id: createOrder.order.id, v: 1 }, manager.token)).markOrderPaid).toEqual({ __typename: "MarkOrderPaidPayload", order: { version: 2 } });
    expect((await gqlOk(pay, { id: createOrder.order.id, v: 2 }, manager.token)).markOrderPaid.issues).toEqual([{ message: "the order is already paid" }]);
  });

  it("pushes new entries live over graphql-ws after a catch-up of open ones, per manager and organization", async () => {
    const { admin, manager, ids } = await seedHistory("Live");
    const other = await signUpOrg(server, "Live other");
    const received: string[] = [];
    const otherReceived: string[] = [];
    const sub = `subscription { reactivationEntryAdded { id client { name } } }`;
    // A first sweep with factor 2.5 opens A only; it must come as catch-up.
    await gqlOk(`mutation { updateReactivationSettings(input: { factor: 2.5 }) { __typename } }`, {}, admin.token);
    await sweep(admin.token);
    const ws = server.ws(manager.token);
    let resolveCount: () => void = () => {};
    const twoArrived = new Promise<void>((r) => (resolveCount = r));
    ws.subscribe({ query: sub }, {
      next: (m: any) => { received.push(m.data.reactivationEntryAdded.client.name); if (received.length === 2) resolveCount(); },
      error: () => {}, complete: () => {},
    });
    server.ws(other.token).subscribe({ query: sub }, { next: (m: any) => otherReceived.push(m.data.reactivationEntryAdded.client.name), error: () => {}, complete: () => {} });
    await waitFor(() => received.length === 1);
    expect(received).toEqual(["A monthly, lapsed"]);
    await gqlOk(`mutation { updateReactivationSettings(input: { factor: 1 }) { __typename } }`, {}, admin.token);
    await sweep(admin.token);
    await twoArrived;
    expect(received).toEqual(["A monthly, lapsed", "C single, old"]);
    expect(otherReceived).toEqual([]);
    void ids;
  });
});

async function clientOrderPaid(token: string, clientId: string, at: string) {
  const { createOrder } = await gqlOk(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "100" }) { ... on CreateOrderPayload { order { id } } } }`, { c: clientId }, token);
  await gqlOk(`mutation($id: ID!, $at: DateTime!) { markOrderPaid(input: { id: $id, expectedVersion: 1, at: $at }) { __typename } }`, { id: createOrder.order.id, at }, token);
}

function fromGlobal(id: string): string {
  return Buffer.from(id, "base64url").toString().split(":")[1]!;
}
