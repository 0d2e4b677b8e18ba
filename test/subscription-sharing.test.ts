import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { decodeId } from "../src/graphql/global-id.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";
import { settle, waitFor } from "./helpers/wait.js";

// Two instances on one database: `shared` executes each reminder once per user, document and variables;
// `single` once per subscriber (the old way). Every subscription must receive exactly the same messages on both.
let shared: TestServer;
let single: TestServer;

beforeAll(async () => {
  // 18 subscriptions per user on each instance; with Redis the per-user limit counts both instances together.
  const limits = { ...loadConfig({}).limits, subscriptionsPerUser: 100 };
  shared = await startTestServer({ config: { backgroundJobs: false, limits } });
  single = await startTestServer({ shareDatabaseOf: shared, config: { backgroundJobs: false, limits, sharedSubscriptionEvents: false } });
});
afterAll(async () => {
  await single?.stop();
  await shared?.stop();
});

const DOCUMENTS = [
  `subscription { reminderDue { id firedAt task { id title status client { name } assignee { name role } } } }`,
  `subscription($team: Boolean) { reminderDue(team: $team) { id task { title overdue assignee { id } } } }`,
  `subscription($who: ID) { reminderDue(assigneeId: $who) { id task { id version } } }`,
];

type Feed = { messages: string[] };

function listen(on: TestServer, token: string, query: string, variables: Record<string, unknown>): Feed {
  const feed: Feed = { messages: [] };
  on.ws(token).subscribe({ query, variables }, {
    next: (message) => void feed.messages.push(JSON.stringify(message)),
    error: (error) => void feed.messages.push(`error ${JSON.stringify(error)}`),
    complete: () => {},
  });
  return feed;
}

describe("subscription events executed once per audience", () => {
  it("deliver exactly what per-subscriber execution delivers, to every role, across organizations, with fewer SQL statements", async () => {
    const prisma = shared.app.services.prisma;
    const orgs = [];
    for (const name of ["Share One", "Share Two"]) {
      const admin = await signUpOrg(shared, name);
      const head = await addUser(shared, admin.token, "HEAD_OF_SALES", `${name} head`);
      const managers = [await addUser(shared, admin.token, "MANAGER", `${name} m1`), await addUser(shared, admin.token, "MANAGER", `${name} m2`)];
      const organizationId = (await prisma.user.findUniqueOrThrow({ where: { id: decodeId(admin.userId).id } })).organizationId;
      orgs.push({ admin, head, managers, organizationId });
    }
    const viewers = orgs.flatMap((o) => [o.head, ...o.managers]);
    const otherManager = orgs[0]!.managers[1]!;
    const foreignManager = orgs[1]!.managers[0]!;

    // Every viewer × document × variables, three times over (tabs and devices), on both instances.
    const pairs: Array<{ label: string; a: Feed; b: Feed }> = [];
    for (const viewer of viewers) {
      for (const [d, query] of DOCUMENTS.entries()) {
        const variableSets = d === 1 ? [{ team: true }, { team: false }] : d === 2 ? [{ who: otherManager.userId }, { who: foreignManager.userId }, { who: viewer.userId }] : [{}];
        for (const variables of variableSets) {
          for (let copy = 0; copy < 3; copy++) {
            pairs.push({ label: `${query} ${JSON.stringify(variables)}`, a: listen(shared, viewer.token, query, variables), b: listen(single, viewer.token, query, variables) });
          }
        }
      }
    }
    // Publishing before a subscription listens would lose the event on one side only: wait until both
    // instances have every subscription they will accept live (refused ones never count).
    const live = async (server: TestServer) => (await server.app.services.metrics.activeSubscriptions.get()).values[0]?.value ?? 0;
    let last = -1;
    for (let stable = 0; stable < 4; ) {
      await settle(250);
      const now = (await live(shared)) + (await live(single));
      stable = now === last && now > 0 ? stable + 1 : 0;
      last = now;
    }
    expect(await live(shared)).toBe(await live(single));

    // Reminders for every manager of both organizations, published to both instances as the scheduler does.
    const client = await prisma.client.create({ data: { organizationId: orgs[0]!.organizationId, name: "Shared Client" } });
    const events: Array<{ organizationId: string; payload: { taskId: string; assigneeId: string; firedAt: string } }> = [];
    for (const org of orgs) {
      for (const manager of org.managers) {
        const assigneeId = decodeId(manager.userId).id;
        const task = await prisma.task.create({
          data: { organizationId: org.organizationId, assigneeId, clientId: org === orgs[0] ? client.id : null, type: "CALL", title: `For ${assigneeId.slice(0, 4)}`, dueAt: new Date() },
        });
        events.push({ organizationId: org.organizationId, payload: { taskId: task.id, assigneeId, firedAt: new Date().toISOString() } });
      }
    }
    // Until the subscriptions have delivered everything they will (the message count stops moving).
    const settled = async () => {
      const total = () => pairs.reduce((n, p) => n + p.a.messages.length + p.b.messages.length, 0);
      for (let last = -1, stable = 0; stable < 4; ) {
        await settle(250);
        stable = total() === last && last > 0 ? stable + 1 : 0;
        last = total();
      }
    };
    const publish = (server: TestServer) => {
      for (const { organizationId, payload } of events) {
        server.app.services.pubsub.publish("reminder:due", organizationId, payload);
        server.app.services.pubsub.publish("reminder:due:assignee", `${organizationId}:${payload.assigneeId}`, payload);
      }
    };
    const counted = async (server: TestServer, run: () => Promise<void>) => {
      const before = server.app.database.statementCount();
      await run();
      return server.app.database.statementCount() - before;
    };
    let sharedStatements: number;
    let singleStatements: number;
    if (shared.config.redisUrl) {
      // With Redis both instances hear one publish, as in production; each has its own pool and counter.
      const before = single.app.database.statementCount();
      sharedStatements = await counted(shared, async () => {
        publish(shared);
        await settled();
      });
      singleStatements = single.app.database.statementCount() - before;
    } else {
      // In memory each instance has its own bus, but on PGlite they share one database (and counter): one at a time.
      sharedStatements = await counted(shared, async () => {
        publish(shared);
        await settled();
      });
      singleStatements = await counted(single, async () => {
        publish(single);
        await settled();
      });
    }
    await waitFor(() => pairs.every((p) => p.a.messages.length === p.b.messages.length), 30_000);

    let delivered = 0;
    for (const { label, a, b } of pairs) {
      expect(a.messages, label).toEqual(b.messages);
      delivered += a.messages.length;
    }
    expect(delivered).toBeGreaterThan(pairs.length / 2); // refused and unrelated subscriptions hear nothing
    expect(pairs.some((p) => p.a.messages.some((m) => m.includes("FORBIDDEN") || m.includes("errors")))).toBe(true); // refusals are compared too
    // Three copies of each subscription share one execution: far fewer task loads.
    expect(sharedStatements).toBeLessThan(singleStatements / 2);
  }, 120_000);
});
