import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

const NOW = new Date("2026-04-15T12:00:00Z");
// March 2026 in Moscow (UTC+3): [Mar 1 00:00 MSK, Apr 1 00:00 MSK)
const MARCH_MSK = { from: "2026-02-28T21:00:00Z", to: "2026-03-31T21:00:00Z" };

let server: TestServer;
const clock = new ManualClock(NOW);

beforeAll(async () => {
  server = await startTestServer({ clock, config: { backgroundJobs: false } });
});
afterAll(() => server?.stop());

async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const res = await server.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

const raw = (id: string) => Buffer.from(id, "base64url").toString().split(":")[1]!;

async function orgWithTimezone(name: string) {
  const admin = await signUpOrg(server, name);
  const prisma = server.app.services.prisma;
  const user = await prisma.user.findUniqueOrThrow({ where: { email: admin.email } });
  await prisma.organization.update({ where: { id: user.organizationId }, data: { timezone: "Europe/Moscow" } });
  const head = await addUser(server, admin.token, "HEAD_OF_SALES", `${name} head`);
  const manager = await addUser(server, admin.token, "MANAGER", `${name} manager`);
  return { admin, head, manager, organizationId: user.organizationId, prisma };
}

describe("channel ROI", () => {
  it("reproduces the seed's example exactly, with months and period boundaries in the organization's time zone", async () => {
    const { head, organizationId, prisma } = await orgWithTimezone("ROI");
    const { createChannel } = await ok(`mutation { createChannel(input: { name: "Context ads", trackingPhone: "+7 495 000-00-01", utmSource: "yandex" }) { ... on CreateChannelPayload { channel { id } } } }`, {}, head.token);
    const channelId = createChannel.channel.id;
    const spend = `mutation($c: ID!, $m: String!, $a: Decimal!) { setChannelSpend(input: { channelId: $c, month: $m, amount: $a }) { __typename ... on ValidationError { issues { message } } } }`;
    await ok(spend, { c: channelId, m: "2026-03", a: "90000" }, head.token);
    await ok(spend, { c: channelId, m: "2026-04", a: "50000" }, head.token); // outside the period
    expect((await ok(spend, { c: channelId, m: "2026-13", a: "1" }, head.token)).setChannelSpend.issues).toEqual([{ message: "must be YYYY-MM" }]);

    for (let i = 0; i < 54; i++) {
      await ok(`mutation($at: DateTime!) { recordInboundCall(input: { trackingPhone: "+74950000001", occurredAt: $at }) { __typename } }`,
        { at: new Date(Date.parse("2026-03-01T06:00:00Z") + i * 3_600_000).toISOString() }, head.token);
    }
    // Calls just outside the Moscow month on either side do not count.
    await ok(`mutation { recordInboundCall(input: { trackingPhone: "+74950000001", occurredAt: "2026-02-28T20:59:59Z" }) { __typename } }`, {}, head.token);
    await ok(`mutation { recordInboundCall(input: { trackingPhone: "+74950000001", occurredAt: "2026-03-31T21:00:00Z" }) { __typename } }`, {}, head.token);

    for (let i = 0; i < 12; i++) {
      const { createClient } = await ok(`mutation($n: String!, $c: ID!) { createClient(input: { name: $n, channelId: $c }) { ... on CreateClientPayload { client { id } } } }`, { n: `Buyer ${i}`, c: channelId }, head.token);
      const clientId = raw(createClient.client.id);
      await prisma.client.update({ where: { id: clientId }, data: { createdAt: new Date("2026-03-02T10:00:00Z") } });
      // The first buyer paid at 01:00 Moscow time on March 1: inside March locally, February in UTC.
      const paidAt = i === 0 ? new Date("2026-02-28T22:00:00Z") : new Date(`2026-03-${String(10 + i).padStart(2, "0")}T10:00:00Z`);
      await prisma.order.create({ data: { organizationId, clientId, amount: "9000.00", invoicedAt: paidAt, paidAt } });
    }
    const late = await prisma.client.findFirstOrThrow({ where: { name: "Buyer 1" } });
    await prisma.order.create({ data: { organizationId, clientId: late.id, amount: "5000.00", paidAt: new Date("2026-03-31T22:00:00Z") } });

    const { channelPerformance } = await ok(`query($p: PeriodInput!) { channelPerformance(period: $p) {
      channel { name } spend leads calls buyers revenue averageCheck profit roiPercent costPerLead costPerCall costPerBuyer } }`, { p: MARCH_MSK }, head.token);
    expect(channelPerformance).toEqual([{
      channel: { name: "Context ads" }, spend: "90000.00", leads: 12, calls: 54, buyers: 12, revenue: "108000.00",
      averageCheck: "9000.00", profit: "18000.00", roiPercent: "20.00", costPerLead: "7500.00", costPerCall: "1666.67", costPerBuyer: "7500.00",
    }]);
  });
});

describe("tracked calls: first-touch attribution", () => {
  it("a client without a channel who calls a tracking number and then buys counts as that channel's buyer; a manual choice wins", async () => {
    const { head, manager } = await orgWithTimezone("Attribution");
    const channel = async (name: string, phone: string) =>
      (await ok(`mutation($n: String!, $p: PhoneNumber) { createChannel(input: { name: $n, trackingPhone: $p }) { ... on CreateChannelPayload { channel { id } } } }`, { n: name, p: phone }, head.token)).createChannel.channel.id;
    await channel("Radio", "+7 495 000-00-11");
    const billboard = await channel("Billboard", "+7 495 000-00-12");
    const { createClient } = await ok(`mutation { createClient(input: { name: "Walk-in", phone: "+7 916 555-00-01" }) { ... on CreateClientPayload { client { id } } } }`, {}, manager.token);
    const clientId = createClient.client.id;

    // The call is found by the caller's number, recorded with an id, and gives the client its channel.
    const call = `mutation($t: PhoneNumber!, $f: PhoneNumber, $at: DateTime) { recordInboundCall(input: { trackingPhone: $t, fromPhone: $f, occurredAt: $at }) {
      __typename ... on RecordInboundCallPayload { call { id trackingPhone fromPhone occurredAt channel { name } client { id channel { name } channelSource } } } } }`;
    const first = (await ok(call, { t: "+74950000011", f: "+79165550001", at: "2026-04-02T09:00:00Z" }, manager.token)).recordInboundCall;
    expect(first.call).toMatchObject({ trackingPhone: "+74950000011", fromPhone: "+79165550001", occurredAt: "2026-04-02T09:00:00.000Z", channel: { name: "Radio" }, client: { id: clientId, channel: { name: "Radio" }, channelSource: "TRACKED_CALL" } });
    expect(first.call.id).toMatch(/.+/);
    const node = await ok(`query($id: ID!) { node(id: $id) { __typename ... on InboundCall { channel { name } } } }`, { id: first.call.id }, manager.token);
    expect(node.node).toEqual({ __typename: "InboundCall", channel: { name: "Radio" } });
    // First touch: a later call on another tracking number does not move the client.
    const second = (await ok(call, { t: "+74950000012", f: "+79165550001", at: "2026-04-03T09:00:00Z" }, manager.token)).recordInboundCall;
    expect(second.call.client.channel.name).toBe("Radio");

    const { createOrder } = await ok(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "7000.00", paidAt: "2026-04-05T10:00:00Z" }) { ... on CreateOrderPayload { order { id } } } }`, { c: clientId }, manager.token);
    expect(createOrder.order.id).toBeTruthy();
    const perf = async () => Object.fromEntries((await ok(`query { channelPerformance(period: { from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z" }) { channel { name } calls buyers revenue } }`, {}, head.token))
      .channelPerformance.map((r: any) => [r.channel.name, [r.calls, r.buyers, r.revenue]]));
    expect(await perf()).toEqual({ Billboard: [1, 0, "0.00"], Radio: [1, 1, "7000.00"] });

    // A person who knows better sets the channel by hand; that choice wins from then on.
    const { node: card } = await ok(`query($id: ID!) { node(id: $id) { ... on Client { version } } }`, { id: clientId }, manager.token);
    await ok(`mutation($id: ID!, $v: Int!, $ch: ID) { updateClient(input: { id: $id, expectedVersion: $v, channelId: $ch }) { __typename } }`, { id: clientId, v: card.version, ch: billboard }, manager.token);
    const third = (await ok(call, { t: "+74950000011", f: "+79165550001", at: "2026-04-06T09:00:00Z" }, manager.token)).recordInboundCall;
    expect(third.call.client).toMatchObject({ channel: { name: "Billboard" }, channelSource: "MANUAL" });
    expect(await perf()).toEqual({ Billboard: [1, 1, "7000.00"], Radio: [2, 0, "0.00"] });
  });
});

describe("ABC", () => {
  it("classifies by paid revenue over the trailing window, stores snapshots, and carries each class's offer", async () => {
    const { admin, head, manager, organizationId, prisma } = await orgWithTimezone("ABC");
    const revenue: Record<string, number> = { Big: 500, Large: 300, Mid: 100, Small: 50, Tiny: 30, Micro: 20, Sleeper: 0 };
    const ids: Record<string, string> = {};
    for (const [name, amount] of Object.entries(revenue)) {
      const { createClient } = await ok(`mutation($n: String!) { createClient(input: { name: $n }) { ... on CreateClientPayload { client { id } } } }`, { n: name }, manager.token);
      ids[name] = createClient.client.id;
      if (amount) await prisma.order.create({ data: { organizationId, clientId: raw(ids[name]!), amount: String(amount), paidAt: new Date("2026-03-01T00:00:00Z") } });
    }
    // Revenue older than 12 months, and cancelled revenue, do not count.
    await prisma.order.create({ data: { organizationId, clientId: raw(ids.Sleeper!), amount: "100000", paidAt: new Date("2025-04-01T00:00:00Z") } });
    await prisma.order.create({ data: { organizationId, clientId: raw(ids.Micro!), amount: "100000", paidAt: new Date("2026-03-01T00:00:00Z"), cancelledAt: new Date("2026-03-02T00:00:00Z") } });

    const first = await ok(`mutation { recalculateAbc { __typename ... on RecalculateAbcPayload { snapshot { classes { class clients revenue share } } } } }`, {}, head.token);
    expect(first.recalculateAbc.snapshot.classes).toEqual([
      { class: "A", clients: 2, revenue: "800.00", share: 0.8 },
      { class: "B", clients: 2, revenue: "150.00", share: 0.15 },
      { class: "C", clients: 2, revenue: "50.00", share: 0.05 },
    ]);
    await ok(`mutation { updateAbcSettings(input: { classes: [{ class: A, discountPercent: 10, offer: "Personal manager" }] }) { __typename } }`, {}, admin.token);
    const cards = await ok(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Client { name abcClass abcOffer { discountPercent offer } } } }`, { ids: [ids.Big, ids.Tiny, ids.Sleeper] }, manager.token);
    expect(cards.nodes).toEqual([
      { name: "Big", abcClass: "A", abcOffer: { discountPercent: 10, offer: "Personal manager" } },
      { name: "Tiny", abcClass: "C", abcOffer: { discountPercent: 0, offer: "" } },
      { name: "Sleeper", abcClass: null, abcOffer: null },
    ]);

    await prisma.order.create({ data: { organizationId, clientId: raw(ids.Tiny!), amount: "5000", paidAt: new Date("2026-04-01T00:00:00Z") } });
    clock.advance(86_400_000);
    await ok(`mutation { recalculateAbc { __typename } }`, {}, head.token);
    clock.set(NOW);
    const history = await ok(`query { abcHistory(period: { from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z" }) { classes { class clients } } }`, {}, head.token);
    expect(history.abcHistory.map((s: any) => s.classes.map((c: any) => `${c.class}${c.clients}`).join(" "))).toEqual(["A2 B2 C2", "A1 B2 C3"]);

    const bad = await ok(`mutation { updateAbcSettings(input: { a: 0.9, b: 0.2 }) { __typename ... on ValidationError { issues { path message } } } }`, {}, admin.token);
    expect(bad.updateAbcSettings.issues).toEqual([{ path: ["input", "b"], message: "a + b must be below 1 (C takes the rest)" }]);
    const denied = await server.gql(`query { abcHistory(period: { from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z" }) { snapshotId } }`, {}, manager.token);
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("funnel", () => {
  it("counts clients per stage now and at a date, conversion, time in stage, exits by reason and unpaid invoices", async () => {
    const { head, manager, organizationId, prisma } = await orgWithTimezone("Funnel");
    const stages = await prisma.stage.findMany({ where: { organizationId }, orderBy: { position: "asc" } });
    const stage = (key: string) => stages.find((s) => s.key === key)!;
    const lostReason = await prisma.reason.findFirstOrThrow({ where: { organizationId, kind: "LOST", key: "price" } });
    const owner = raw(manager.userId);
    const h = (iso: string) => new Date(iso);
    // Four clients with hand-made histories (all moves in March 2026 UTC).
    const histories: [string, [string, string, string?][]][] = [
      ["F1", [["object", "2026-03-02T00:00:00Z"], ["lead_development", "2026-03-02T10:00:00Z"], ["contact_interest", "2026-03-04T10:00:00Z"]]],
      ["F2", [["object", "2026-03-02T00:00:00Z"], ["lead_development", "2026-03-03T00:00:00Z"], ["lost", "2026-03-05T00:00:00Z", lostReason.id]]],
      ["F3", [["object", "2026-03-02T00:00:00Z"], ["lead_development", "2026-03-02T20:00:00Z"]]],
      ["F4", [["object", "2026-03-03T00:00:00Z"]]],
    ];
    for (const [name, moves] of histories) {
      const last = moves[moves.length - 1]!;
      const client = await prisma.client.create({ data: { organizationId, name, ownerId: owner, stageId: stage(last[0]).id, stageEnteredAt: h(last[1]) } });
      let from: string | null = null;
      for (const [key, at, reasonId] of moves) {
        await prisma.stageTransition.create({ data: { organizationId, clientId: client.id, fromStageId: from, toStageId: stage(key).id, occurredAt: h(at), reasonId: reasonId ?? null } });
        from = stage(key).id;
      }
      await prisma.order.create({ data: { organizationId, clientId: client.id, amount: "1000", invoicedAt: h("2026-03-10T00:00:00Z"), paidAt: name === "F1" ? h("2026-03-12T00:00:00Z") : null } });
    }
    const query = `query($p: PeriodInput!, $at: DateTime) { funnel(period: $p, at: $at) {
      stages { stage { key } clients entered advanced conversionRate medianHoursInStage p90HoursInStage }
      exits { kind reasonKey clients } invoiceLosses { invoiced unpaid unpaidShare unpaidAmount } } }`;
    const period = { from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" };
    const { funnel } = await ok(query, { p: period }, head.token);
    const byKey = Object.fromEntries(funnel.stages.map((s: any) => [s.stage.key, s]));
    expect(byKey.object).toEqual({ stage: { key: "object" }, clients: 1, entered: 4, advanced: 3, conversionRate: 0.75, medianHoursInStage: 20, p90HoursInStage: 23.2 });
    expect(byKey.lead_development).toMatchObject({ clients: 1, entered: 3, advanced: 1, medianHoursInStage: 48, p90HoursInStage: 48 });
    expect(byKey.contact_interest).toMatchObject({ clients: 1, entered: 1, advanced: 0, conversionRate: 0 });
    expect(byKey.lost).toMatchObject({ clients: 1, entered: 1 });
    expect(funnel.exits).toEqual([{ kind: "LOST", reasonKey: "price", clients: 1 }]);
    expect(funnel.invoiceLosses).toEqual({ invoiced: 4, unpaid: 3, unpaidShare: 0.75, unpaidAmount: "3000.00" });

    const atDate = await ok(query, { p: period, at: "2026-03-02T12:00:00Z" }, head.token);
    const atKey = Object.fromEntries(atDate.funnel.stages.map((s: any) => [s.stage.key, s.clients]));
    expect(atKey).toMatchObject({ object: 2, lead_development: 1, contact_interest: 0 });

    // A manager who owns none of these clients sees an empty funnel.
    const other = await addUser(server, await adminTokenOf(organizationId), "MANAGER", "Other");
    const mine = await ok(query, { p: period }, other.token);
    expect(mine.funnel.stages.every((s: any) => s.entered === 0)).toBe(true);
  });
});

async function adminTokenOf(organizationId: string): Promise<string> {
  const prisma = server.app.services.prisma;
  const admin = await prisma.user.findFirstOrThrow({ where: { organizationId, role: "ADMIN" } });
  const login = await server.gql(`mutation($e: String!) { login(input: { email: $e, password: "correct-horse-battery" }) { ... on LoginPayload { session { token } } } }`, { e: admin.email });
  return login.data.login.session.token;
}

describe("manager discipline and reactivation outcomes", () => {
  it("counts tasks done on time, late, overdue and escalations per manager; managers see only themselves", async () => {
    const { head, manager, organizationId, prisma } = await orgWithTimezone("Discipline");
    const m = raw(manager.userId);
    const other = await addUser(server, await adminTokenOf(organizationId), "MANAGER", "Slow");
    const o = raw(other.userId);
    const task = (assigneeId: string, due: string, status: "OPEN" | "DONE", completed?: string) =>
      prisma.task.create({ data: { organizationId, assigneeId, type: "CALL", title: "t", dueAt: new Date(due), status, completedAt: completed ? new Date(completed) : null } });
    await task(m, "2026-04-01T10:00:00Z", "DONE", "2026-04-01T09:00:00Z");
    await task(m, "2026-04-02T10:00:00Z", "DONE", "2026-04-02T10:00:00Z");
    await task(m, "2026-04-03T10:00:00Z", "DONE", "2026-04-04T10:00:00Z");
    await task(m, "2026-04-20T10:00:00Z", "OPEN"); // not yet due at NOW
    const overdue = await task(o, "2026-04-05T10:00:00Z", "OPEN");
    await task(o, "2026-03-31T10:00:00Z", "DONE", "2026-04-05T10:00:00Z"); // due before the period
    await prisma.escalation.create({ data: { organizationId, taskId: overdue.id, managerId: o, createdAt: new Date("2026-04-06T10:00:00Z") } });

    const q = `query { managerDiscipline(period: { from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z" }) {
      user { name } due doneOnTime doneLate overdueOpen onTimeRate escalations } }`;
    const all = await ok(q, {}, head.token);
    const rows = Object.fromEntries(all.managerDiscipline.map((r: any) => [r.user.name, r]));
    expect(rows["Discipline manager"]).toEqual({ user: { name: "Discipline manager" }, due: 4, doneOnTime: 2, doneLate: 1, overdueOpen: 0, onTimeRate: 0.6667, escalations: 0 });
    expect(rows.Slow).toEqual({ user: { name: "Slow" }, due: 1, doneOnTime: 0, doneLate: 0, overdueOpen: 1, onTimeRate: 0, escalations: 1 });
    const own = await ok(q, {}, other.token);
    expect(own.managerDiscipline.map((r: any) => r.user.name)).toEqual(["Slow"]);
  });

  it("reports reactivation entries opened, won back, lost and churn reasons", async () => {
    const { head, manager, organizationId, prisma } = await orgWithTimezone("Outcomes");

    const reason = (key: string) => prisma.reason.findFirstOrThrow({ where: { organizationId, kind: "CHURN", key } });
    const entry = async (status: "OPEN" | "WON_BACK" | "LOST", key?: string, openedAt = "2026-04-02T00:00:00Z", assigneeId = raw(manager.userId)) =>
      prisma.reactivationEntry.create({ data: { organizationId, clientId: (await prisma.client.create({ data: { organizationId, name: `R${Math.random()}` } })).id, assigneeId, status, lastPurchaseAt: new Date("2026-01-01T00:00:00Z"), expectedIntervalDays: "30", churnReasonId: key ? (await reason(key)).id : null, openedAt: new Date(openedAt) } });
    await entry("WON_BACK");
    await entry("LOST", "price");
    await entry("LOST", "price");
    await entry("LOST", "competitor");
    await entry("OPEN");
    await entry("LOST", "quality", "2026-03-01T00:00:00Z"); // before the period
    await entry("LOST", "moved", "2026-04-03T00:00:00Z", raw(head.userId));
    const q = `query { reactivationOutcomes(period: { from: "2026-04-01T00:00:00Z", to: "2026-05-01T00:00:00Z" }) { opened wonBack lost stillOpen winBackRate churnReasons { key entries } } }`;
    expect((await ok(q, {}, head.token)).reactivationOutcomes).toEqual({
      opened: 6, wonBack: 1, lost: 4, stillOpen: 1, winBackRate: 0.1667,
      churnReasons: [{ key: "price", entries: 2 }, { key: "competitor", entries: 1 }, { key: "moved", entries: 1 }],
    });
    expect((await ok(q, {}, manager.token)).reactivationOutcomes).toMatchObject({ opened: 5, lost: 3, winBackRate: 0.2 });
  });
});
