import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { escalateOverdueTasks, fireDueTasks } from "../src/tasks/scheduler.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";
import { settle, waitFor } from "./helpers/wait.js";

const NOW = new Date("2026-03-02T09:00:00Z");
const MIN = 60_000;
let server: TestServer;
const clock = new ManualClock(NOW);

beforeAll(async () => {
  server = await startTestServer({ clock, config: { backgroundJobs: false } });
});
afterAll(() => server?.stop());

async function ok(query: string, variables: Record<string, unknown>, token: string, on: TestServer = server) {
  const res = await on.gql(query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

async function team(name: string) {
  const admin = await signUpOrg(server, name);
  const head = await addUser(server, admin.token, "HEAD_OF_SALES", `${name} head`);
  const manager = await addUser(server, admin.token, "MANAGER", `${name} manager`);
  return { admin, head, manager };
}

const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on CreateTaskPayload { task { id version } } ... on Error { message } } }`;
async function taskDueIn(token: string, minutes: number, title = "Call back", on: TestServer = server) {
  const data = await ok(CREATE_TASK, { input: { title, type: "CALL", dueAt: new Date(clock.now().getTime() + minutes * MIN).toISOString() } }, token, on);
  return data.createTask.task as { id: string; version: number };
}

function listen(on: TestServer, token: string, query = `subscription { reminderDue { id task { id title } } }`) {
  const events: { id: string; taskId: string; title: string }[] = [];
  const errors: unknown[] = [];
  on.ws(token).subscribe({ query }, {
    next: (m: any) => {
      if (m.errors) errors.push(m.errors);
      else events.push({ id: m.data.reminderDue.id, taskId: m.data.reminderDue.task.id, title: m.data.reminderDue.task.title });
    },
    error: (e) => errors.push(e),
    complete: () => {},
  });
  return { events, errors };
}

describe("due reminders over graphql-ws", () => {
  it("a task due soon arrives on its assignee's subscription exactly once, when it comes due", async () => {
    const { manager } = await team("Once");
    const feed = listen(server, manager.token);
    await settle();
    const task = await taskDueIn(manager.token, 5, "Due in five");
    expect(await fireDueTasks(server.app.services)).toEqual([]); // not due yet
    clock.advance(6 * MIN);
    const fired = await fireDueTasks(server.app.services);
    expect(fired.map((f) => f.taskId)).toHaveLength(1);
    await waitFor(() => feed.events.length === 1);
    expect(await fireDueTasks(server.app.services)).toEqual([]); // fired durably, never again
    await settle();
    expect(feed.events).toEqual([{ id: expect.stringContaining(task.id), taskId: task.id, title: "Due in five" }]);
    const { node } = await ok(`query($id: ID!) { node(id: $id) { ... on Task { firedAt overdue } } }`, { id: task.id }, manager.token);
    expect(node).toEqual({ firedAt: clock.now().toISOString(), overdue: true });
    clock.set(NOW);
  });

  it("a late subscriber first gets fired, still-open reminders; done ones are not replayed", async () => {
    const { manager } = await team("Late");
    const open = await taskDueIn(manager.token, 1, "Still open");
    const done = await taskDueIn(manager.token, 1, "Done already");
    clock.advance(2 * MIN);
    await fireDueTasks(server.app.services);
    await ok(`mutation($id: ID!) { completeTask(input: { id: $id, expectedVersion: 1, result: "talked" }) { __typename } }`, { id: done.id }, manager.token);
    const feed = listen(server, manager.token);
    await waitFor(() => feed.events.length === 1);
    await settle();
    expect(feed.events.map((e) => e.taskId)).toEqual([open.id]);
    clock.set(NOW);
  });

  it("a restart does not lose a reminder that came due while the server was down", async () => {
    const first = await startTestServer({ clock, config: { backgroundJobs: false } });
    const admin = await signUpOrg(first, "Restart");
    const manager = await addUser(first, admin.token, "MANAGER");
    const task = await taskDueIn(manager.token, 10, "Due during downtime", first);
    await first.stopKeepingData();
    clock.advance(30 * MIN); // down for half an hour
    const second = await startTestServer({ clock, shareDatabaseOf: first, config: { backgroundJobs: true, reminderTickMs: 3_600_000 } });
    try {
      const feed = listen(second, manager.token); // the start-up tick fired it; the subscriber catches up
      await waitFor(() => feed.events.length === 1);
      expect(feed.events[0]!.taskId).toBe(task.id);
    } finally {
      await second.stop();
      await first.dropData();
      clock.set(NOW);
    }
  });

  it("heads of sales may watch a manager or the team; managers only themselves; organizations never mix", async () => {
    const a = await team("Watch A");
    const b = await team("Watch B");
    const headFeed = listen(server, a.head.token, `subscription { reminderDue(team: true) { id task { id title } } }`);
    const otherOrg = listen(server, b.head.token, `subscription { reminderDue(team: true) { id task { id title } } }`);
    const spy = listen(server, a.manager.token, `subscription { reminderDue(assigneeId: "${a.head.userId}") { id task { id title } } }`);
    await settle();
    await taskDueIn(a.manager.token, 1, "Team task");
    clock.advance(2 * MIN);
    await fireDueTasks(server.app.services);
    await waitFor(() => headFeed.events.length === 1);
    await settle();
    expect(otherOrg.events).toEqual([]);
    expect(spy.events).toEqual([]);
    expect(JSON.stringify(spy.errors)).toContain("Managers can only watch their own reminders");
    clock.set(NOW);
  });
});

describe("follow-ups", () => {
  it("a proposal sent creates a call in 2 days; an invoice is chased every 2 days until paid, one open chase at a time", async () => {
    const { manager, head } = await team("Follow-ups");
    const { createClient } = await ok(`mutation { createClient(input: { name: "Prospect" }) { ... on CreateClientPayload { client { id } } } }`, {}, manager.token);
    const clientId = createClient.client.id;
    await ok(`mutation($c: ID!) { logActivity(input: { clientId: $c, type: PROPOSAL_SENT, body: "offer v1", occurredAt: "2026-03-02T15:00:00Z" }) { __typename } }`, { c: clientId }, manager.token);
    const tasksOf = async () =>
      (await ok(`query($c: ID!) { node(id: $c) { ... on Client { tasks(first: 20) { edges { node { id version type status dueAt result } } } } } }`, { c: clientId }, manager.token)).node.tasks.edges.map((e: any) => e.node);
    expect((await tasksOf()).map((t: any) => [t.type, t.status, t.dueAt])).toEqual([["CALL", "OPEN", "2026-03-04T15:00:00.000Z"]]);

    const { createOrder } = await ok(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "9000" }) { ... on CreateOrderPayload { order { id } } } }`, { c: clientId }, manager.token);
    await ok(`mutation($id: ID!) { markOrderInvoiced(input: { id: $id, expectedVersion: 1 }) { __typename } }`, { id: createOrder.order.id }, manager.token);
    const chases = async () => (await tasksOf()).filter((t: any) => t.type === "PAYMENT_CHASE");
    const summary = async () => (await chases()).map((t: any) => [t.status, t.dueAt]);
    expect(await summary()).toEqual([["OPEN", "2026-03-04T09:00:00.000Z"]]);

    // Due: the reminder fires, and the chase stays the only one.
    clock.set(new Date("2026-03-04T09:00:00Z"));
    await fireDueTasks(server.app.services);
    await fireDueTasks(server.app.services);
    expect(await summary()).toEqual([["OPEN", "2026-03-04T09:00:00.000Z"]]);

    // Unpaid for 5 days: the first chase was missed and rolled over into the next; one open chase, not three.
    clock.set(new Date("2026-03-07T09:00:00Z"));
    await fireDueTasks(server.app.services);
    expect(await summary()).toEqual([["MISSED", "2026-03-04T09:00:00.000Z"], ["OPEN", "2026-03-06T09:00:00.000Z"]]);

    // "They promised to pay": done early does not end the chase while the invoice is unpaid.
    clock.set(new Date("2026-03-07T10:00:00Z"));
    const open = (await chases()).find((t: any) => t.status === "OPEN");
    const done = await ok(`mutation($id: ID!, $v: Int!) { completeTask(input: { id: $id, expectedVersion: $v, result: "Promised to pay on Monday" }) { __typename } }`, { id: open.id, v: open.version }, manager.token);
    expect(done.completeTask.__typename).toBe("CompleteTaskPayload");
    expect(await summary()).toEqual([["MISSED", "2026-03-04T09:00:00.000Z"], ["DONE", "2026-03-06T09:00:00.000Z"], ["OPEN", "2026-03-09T10:00:00.000Z"]]);

    // Paid: the open chase is closed as no longer needed, told apart from missed; nothing more is scheduled.
    clock.set(new Date("2026-03-08T12:00:00Z"));
    await ok(`mutation($id: ID!) { markOrderPaid(input: { id: $id, expectedVersion: 2 }) { __typename } }`, { id: createOrder.order.id }, manager.token);
    expect((await chases()).map((t: any) => [t.status, t.result])).toEqual([
      ["MISSED", "Not done before the next chase came due"], ["DONE", "Promised to pay on Monday"], ["CANCELLED", "Order paid"],
    ]);
    clock.set(new Date("2026-03-20T10:00:00Z"));
    await fireDueTasks(server.app.services);
    expect(await chases()).toHaveLength(3);

    // The missed chase counts against the manager's discipline.
    const discipline = await ok(`query { managerDiscipline(period: { from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" }) { user { id } missed doneOnTime doneLate } }`, {}, head.token);
    expect(discipline.managerDiscipline.find((r: any) => r.user.id === manager.userId)).toMatchObject({ missed: 1, doneLate: 1 });
    clock.set(NOW);
  });

  it("a cancelled order stops the chase; the database allows one open chase per invoice", async () => {
    const { manager } = await team("Chase guard");
    const { createClient } = await ok(`mutation { createClient(input: { name: "Guarded" }) { ... on CreateClientPayload { client { id } } } }`, {}, manager.token);
    const { createOrder } = await ok(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "500", invoicedAt: "2026-03-02T09:00:00Z" }) { ... on CreateOrderPayload { order { id version } } } }`, { c: createClient.client.id }, manager.token);
    const prisma = server.app.services.prisma;
    const { decodeId } = await import("../src/graphql/global-id.js");
    const orderId = decodeId(createOrder.order.id).id;
    const chase = await prisma.task.findFirstOrThrow({ where: { orderId, status: "OPEN" } });
    const { id: _id, ...copy } = chase;
    await expect(prisma.task.create({ data: copy })).rejects.toThrow();
    await ok(`mutation($id: ID!, $v: Int!) { cancelOrder(input: { id: $id, expectedVersion: $v }) { __typename } }`, { id: createOrder.order.id, v: createOrder.order.version }, manager.token);
    clock.set(new Date("2026-03-30T09:00:00Z"));
    await fireDueTasks(server.app.services);
    expect((await prisma.task.findMany({ where: { orderId } })).map((t) => [t.status, t.result])).toEqual([["CANCELLED", "Order cancelled"]]);
    clock.set(NOW);
  });

  it("admins edit rules with validation; a stage-entry rule creates its task", async () => {
    const { admin, manager } = await team("Rules");
    const save = `mutation($input: FollowUpRuleInput!) { saveFollowUpRule(input: $input) { __typename ... on ValidationError { issues { path message } } } }`;
    const bad = await ok(save, { input: { name: "x", trigger: "ACTIVITY_LOGGED", taskType: "CALL", taskTitle: "t", delayMinutes: -5 } }, admin.token);
    expect(bad.saveFollowUpRule.issues).toEqual(expect.arrayContaining([
      { path: ["input", "delayMinutes"], message: "cannot be negative" },
      { path: ["input", "activityType"], message: "is required for ACTIVITY_LOGGED" },
    ]));
    expect((await ok(save, { input: { name: "x", trigger: "ACTIVITY_LOGGED", activityType: "CALL", taskType: "CALL", taskTitle: "t", delayMinutes: 5 } }, manager.token)).saveFollowUpRule.__typename).toBe("ForbiddenError");
    const { followUpRules } = await ok(`{ followUpRules { name trigger delayMinutes repeatEveryMinutes } }`, {}, admin.token);
    expect(followUpRules).toEqual([
      { name: "Call after a proposal", trigger: "ACTIVITY_LOGGED", delayMinutes: 2880, repeatEveryMinutes: null },
      { name: "Chase an unpaid invoice", trigger: "ORDER_INVOICED", delayMinutes: 2880, repeatEveryMinutes: 2880 },
    ]);

    const { pipelines } = await ok(`{ pipelines { stages { id key } } }`, {}, admin.token);
    const leadStage = pipelines[0].stages.find((st: any) => st.key === "lead_development").id;
    const rule = await ok(save, { input: { name: "Research the lead", trigger: "STAGE_ENTERED", stageId: leadStage, taskType: "FOLLOW_UP", taskTitle: "Find the decision-maker", delayMinutes: 60 } }, admin.token);
    expect(rule.saveFollowUpRule.__typename).toBe("SaveFollowUpRulePayload");
    const saved = (await ok(`{ followUpRules { name stageId } }`, {}, admin.token)).followUpRules.find((r: any) => r.name === "Research the lead");
    expect(saved.stageId).toBe(leadStage); // the Stage's global id, usable with node(id:)
    const { createClient } = await ok(`mutation { createClient(input: { name: "Staged", website: "https://staged.example", phone: "+74951112233" }) { ... on CreateClientPayload { client { id version } } } }`, {}, manager.token);
    const move = await ok(`mutation($c: ID!, $s: ID!) { moveClientToStage(input: { clientId: $c, stageId: $s, expectedVersion: 1 }) { __typename } }`, { c: createClient.client.id, s: leadStage }, manager.token);
    expect(move.moveClientToStage.__typename).toBe("MoveClientToStagePayload");
    const { node } = await ok(`query($c: ID!) { node(id: $c) { ... on Client { tasks { edges { node { type title dueAt assignee { id } } } } } } }`, { c: createClient.client.id }, manager.token);
    expect(node.tasks.edges.map((e: any) => e.node)).toEqual([
      { type: "FOLLOW_UP", title: "Find the decision-maker: Staged", dueAt: new Date(NOW.getTime() + 60 * MIN).toISOString(), assignee: { id: manager.userId } },
    ]);
  });
});

describe("tasks and escalation", () => {
  it("lists my tasks for today in the organization's time zone, and overdue ones", async () => {
    const { manager, admin } = await team("Today");
    const prisma = server.app.services.prisma;
    const adminUser = await prisma.user.findFirstOrThrow({ where: { email: admin.email } });
    await prisma.organization.update({ where: { id: adminUser.organizationId }, data: { timezone: "Asia/Vladivostok" } }); // UTC+10
    clock.set(new Date("2026-03-02T09:00:00Z")); // 19:00 in Vladivostok
    await taskDueIn(manager.token, -60, "Overdue today");
    await taskDueIn(manager.token, 4 * 60, "Tonight"); // 23:00 local
    await taskDueIn(manager.token, 6 * 60, "Tomorrow morning"); // 01:00 local, next day
    const titles = async (scope: string) =>
      (await ok(`query { myTasks(scope: ${scope}) { totalCount edges { node { title } } } }`, {}, manager.token)).myTasks.edges.map((e: any) => e.node.title);
    expect(await titles("TODAY")).toEqual(["Overdue today", "Tonight"]);
    expect(await titles("OVERDUE")).toEqual(["Overdue today"]);
    expect(await titles("UPCOMING")).toEqual(["Tonight", "Tomorrow morning"]);
    clock.set(NOW);
  });

  it("a task overdue past the organization's limit escalates once to heads of sales, live and on record", async () => {
    const { admin, head, manager } = await team("Escalate");
    expect((await ok(`mutation { updateReminderSettings(input: { escalationAfterMinutes: 60 }) { __typename } }`, {}, admin.token)).updateReminderSettings.__typename).toBe("UpdateReminderSettingsPayload");
    const events: string[] = [];
    server.ws(head.token).subscribe({ query: `subscription { taskEscalated { task { title } manager { id } } }` }, {
      next: (m: any) => events.push(`${m.data.taskEscalated.task.title}/${m.data.taskEscalated.manager.id === manager.userId}`), error: () => {}, complete: () => {},
    });
    const denied: unknown[] = [];
    server.ws(manager.token).subscribe({ query: `subscription { taskEscalated { id } } ` }, { next: (m: any) => denied.push(m), error: (e) => denied.push(e), complete: () => {} });
    await settle();
    await taskDueIn(manager.token, 0, "Ignored call");
    clock.advance(59 * MIN);
    expect(await escalateOverdueTasks(server.app.services)).toBe(0);
    clock.advance(2 * MIN);
    expect(await escalateOverdueTasks(server.app.services)).toBe(1);
    expect(await escalateOverdueTasks(server.app.services)).toBe(0);
    await waitFor(() => events.length === 1);
    expect(events).toEqual(["Ignored call/true"]);
    expect(JSON.stringify(denied)).toMatch(/FORBIDDEN|not allowed|role/i);
    const { escalations } = await ok(`{ escalations { totalCount } }`, {}, head.token);
    expect(escalations.totalCount).toBe(1);
    clock.set(NOW);
  });

  it("task edits are validated and version-checked; a new due time re-arms the reminder", async () => {
    const { manager, head } = await team("Edits");
    const task = await taskDueIn(manager.token, 1, "Re-arm me");
    clock.advance(2 * MIN);
    await fireDueTasks(server.app.services);
    const update = `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { __typename ... on UpdateTaskPayload { task { firedAt version } } ... on ValidationError { issues { message } } } }`;
    const moved = await ok(update, { input: { id: task.id, expectedVersion: 1, dueAt: new Date(clock.now().getTime() + 60 * MIN).toISOString() } }, manager.token);
    expect(moved.updateTask.task).toEqual({ firedAt: null, version: 2 });
    expect((await ok(update, { input: { id: task.id, expectedVersion: 1, title: "stale" } }, manager.token)).updateTask.__typename).toBe("VersionConflictError");
    expect((await ok(update, { input: { id: task.id, expectedVersion: 2, title: "  " } }, manager.token)).updateTask.issues).toEqual([{ message: "is required, at most 300 characters" }]);
    const forOther = await ok(CREATE_TASK, { input: { title: "x", type: "CALL", dueAt: NOW.toISOString(), assigneeId: head.userId } }, manager.token);
    expect(forOther.createTask.__typename).toBe("ForbiddenError");
    clock.set(NOW);
  });
});

describe.skipIf(process.env.TEST_DATABASE !== "postgres" || !process.env.TEST_REDIS_URL)("two instances on PostgreSQL + Redis", () => {
  it("N due tasks fire exactly once in the database and reach a subscriber on each instance exactly once", async () => {
    const redisConfig = { backgroundJobs: false, redisUrl: process.env.TEST_REDIS_URL };
    const a = await startTestServer({ clock, config: redisConfig });
    const b = await startTestServer({ clock, shareDatabaseOf: a, config: redisConfig });
    try {
      const admin = await signUpOrg(a, "Scale-out");
      const manager = await addUser(a, admin.token, "MANAGER");
      const onA = listen(a, manager.token);
      const onB = listen(b, manager.token);
      await settle(300);
      const N = 40;
      for (let i = 0; i < N; i++) await taskDueIn(manager.token, 1, `Task ${i}`, i % 2 ? a : b);
      clock.advance(2 * MIN);
      const [firedA, firedB] = await Promise.all([fireDueTasks(a.app.services), fireDueTasks(b.app.services)]);
      const ids = [...firedA, ...firedB].map((f) => f.taskId);
      expect(ids).toHaveLength(N);
      expect(new Set(ids).size).toBe(N);
      await waitFor(() => onA.events.length >= N && onB.events.length >= N, 10_000);
      await settle(300);
      expect(onA.events).toHaveLength(N);
      expect(onB.events).toHaveLength(N);
      expect(new Set(onA.events.map((e) => e.taskId)).size).toBe(N);
      const fired = await a.app.services.prisma.task.count({ where: { firedAt: { not: null }, title: { startsWith: "Task " } } });
      expect(fired).toBe(N);
    } finally {
      await b.stop();
      await a.stop();
      clock.set(NOW);
    }
  });
});
