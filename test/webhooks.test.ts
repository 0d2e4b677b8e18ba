import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusedAddress } from "../src/webhooks/address-guard.js";
import { retryDelayMs } from "../src/webhooks/retry.js";
import { startWebhookWorker } from "../src/webhooks/worker.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

let server: TestServer;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** What the receiver answers next: a status, or "hang" (never answers). */
const answers: (number | "hang")[] = [];

beforeAll(async () => {
  server = await startTestServer({ config: { webhooks: { allowPrivateAddresses: true, timeoutMs: 300, pollMs: 50, leaseMs: 60_000 } } as never });
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      const answer = answers.shift() ?? 200;
      if (answer !== "hang") res.writeHead(answer).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await server?.stop();
});

// Generous by default (a loaded CI machine answers loopback slowly); the hanging-receiver test asks for 1.5 s.
const worker = (timeoutMs = 5000) => startWebhookWorker({ sql: server.app.database, log: server.app.services.log, allowPrivateAddresses: true, timeoutMs, pollMs: 60_000, leaseMs: 60_000 });
const dueNow = () => server.app.database.query(`UPDATE "WebhookDelivery" SET "nextAttemptAt" = now() AT TIME ZONE 'UTC' WHERE status = 'PENDING'`);

async function addEndpoint(token: string, eventTypes?: string[]) {
  const res = await server.gql(
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename ... on CreateWebhookEndpointPayload { created { secret endpoint { id version } } } ... on Error { code message } } }`,
    { input: { url: receiverUrl, eventTypes } },
    token,
  );
  return res.data.createWebhookEndpoint;
}

/** The spec's signature, computed here with node:crypto only, independently of the library the server signs with. */
function specSignature(secret: string, r: Received) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`).digest("base64")}`;
}

describe("outbound webhooks", () => {
  it("a change is delivered signed (Standard Webhooks); a receiver answering 500 gets it again, same id, valid signature each time", async () => {
    const admin = await signUpOrg(server, "Hooks Co");
    const { created } = await addEndpoint(admin.token, ["CLIENT_CREATED"]);
    expect(created.secret).toMatch(/^whsec_/);
    received.length = 0;
    answers.push(500);
    const made = await server.gql(`mutation { createClient(input: { name: "Hooked" }) { ... on CreateClientPayload { client { id } } } }`, {}, admin.token);
    const clientId = made.data.createClient.client.id;
    // Not subscribed to stage changes or orders: nothing else is queued for this endpoint.
    const w = worker();
    try {
      expect(await w.round()).toBe(1);
      await dueNow();
      expect(await w.round()).toBe(1);
      expect(await w.round()).toBe(0);
    } finally {
      await w.stop();
    }
    expect(received).toHaveLength(2);
    const [first, second] = received as [Received, Received];
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    for (const r of received) {
      expect(new Webhook(created.secret).verify(r.body, r.headers as Record<string, string>)).toBeTruthy();
      expect(String(r.headers["webhook-signature"]).split(" ")).toContain(specSignature(created.secret, r));
      expect(JSON.parse(r.body)).toMatchObject({ version: 1, type: "client.created", id: r.headers["webhook-id"], data: { __typename: "Client", id: clientId, name: "Hooked" } });
    }
    expect(() => new Webhook(created.secret).verify(second.body.replace("Hooked", "Hacked"), second.headers as Record<string, string>)).toThrow();

    const log = await server.gql(`{ webhookEndpoints(first: 5) { edges { node { failingSince deliveries(first: 5) { totalCount edges { node { eventType status attempts log { statusCode error } } } } } } } }`, {}, admin.token);
    const endpoint = log.data.webhookEndpoints.edges[0].node;
    expect(endpoint.failingSince).toBeNull();
    expect(endpoint.deliveries.edges[0].node).toEqual({
      eventType: "CLIENT_CREATED", status: "DELIVERED", attempts: 2, log: [{ statusCode: 500, error: "answered 500" }, { statusCode: 200, error: null }],
    });
  });

  it("a hanging receiver times out and is retried; two workers never send one attempt twice; one record's events go in order", async () => {
    const admin = await signUpOrg(server, "Order Co");
    await addEndpoint(admin.token);
    received.length = 0;
    const made = await server.gql(`mutation { createClient(input: { name: "First" }) { ... on CreateClientPayload { client { id } } } }`, {}, admin.token);
    const clientId = made.data.createClient.client.id;
    await server.gql(`mutation($c: ID!) { createOrder(input: { clientId: $c, amount: "10.00", invoicedAt: "2026-01-01T00:00:00Z" }) { __typename } }`, { c: clientId }, admin.token);
    answers.push("hang");
    const [a, b] = [worker(1500), worker(1500)];
    try {
      // The client's event hangs and times out; the order (another record) goes through meanwhile.
      const sent = await Promise.all([a.round(), b.round()]);
      expect(sent[0] + sent[1]).toBe(2);
      const failed = await server.gql(`{ webhookEndpoints(first: 1) { edges { node { failingSince deliveries(first: 5, status: PENDING) { edges { node { eventType log { error } } } } } } } }`, {}, admin.token);
      const node = failed.data.webhookEndpoints.edges[0].node;
      expect(node.failingSince).toBeNull(); // the order got through: the endpoint works, one receiver call hung
      expect(node.deliveries.edges.map((e: any) => [e.node.eventType, e.node.log[0].error])).toEqual([["CLIENT_CREATED", "no answer within 1500 ms"]]);
      await dueNow();
      expect((await Promise.all([a.round(), b.round()])).reduce((x, y) => x + y)).toBe(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const ids = received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(2);
    expect(received.map((r) => JSON.parse(r.body).type).sort()).toEqual(["client.created", "client.created", "order.invoiced"]);
  });

  it("a rotated secret signs next to the old one during the grace period; only admins manage endpoints; organizations never mix", async () => {
    const admin = await signUpOrg(server, "Rotate Co");
    const { created } = await addEndpoint(admin.token, ["CLIENT_CREATED"]);
    const rotated = await server.gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id, graceHours: 1) { ... on RotateWebhookSecretPayload { rotated { secret } } } }`, { id: created.endpoint.id }, admin.token);
    const fresh = rotated.data.rotateWebhookSecret.rotated.secret;
    received.length = 0;
    await server.gql(`mutation { createClient(input: { name: "Rotated" }) { __typename } }`, {}, admin.token);
    const w = worker();
    try {
      await w.round();
    } finally {
      await w.stop();
    }
    const [r] = received as [Received];
    expect(String(r.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [created.secret, fresh]) expect(new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).toBeTruthy();

    const head = await addUser(server, admin.token, "HEAD_OF_SALES");
    expect(await addEndpoint(head.token)).toMatchObject({ __typename: "ForbiddenError" });
    const other = await signUpOrg(server, "Other hooks");
    expect((await server.gql(`{ webhookEndpoints(first: 5) { edges { node { id } } } }`, {}, other.token)).data.webhookEndpoints.edges).toEqual([]);
    const foreign = await server.gql(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename } }`, { id: created.endpoint.id }, other.token);
    expect(foreign.data.deleteWebhookEndpoint.__typename).toBe("NotFoundError");
  });

  it("refuses receivers on private or loopback addresses unless allowed; backs off for about a day, then gives up", async () => {
    for (const url of ["http://127.0.0.1/x", "http://localhost:8080/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest", "ftp://example.com/x"]) {
      expect(await refusedAddress(new URL(url), false), url).not.toBeNull();
    }
    expect(await refusedAddress(new URL("https://93.184.216.34/hook"), false)).toBeNull();
    expect(await refusedAddress(new URL("http://127.0.0.1/x"), true)).toBeNull();
    const delays = Array.from({ length: 11 }, (_, i) => retryDelayMs(i + 1, () => 0.5));
    expect(delays.at(-1)).toBeNull();
    const total = delays.slice(0, -1).reduce((sum, d) => sum! + d!, 0)!;
    expect(total / 3600_000).toBeGreaterThan(20);
    expect(total / 3600_000).toBeLessThan(30);
    expect(retryDelayMs(1, () => 0)).toBe(4000);
    expect(retryDelayMs(1, () => 1)).toBe(6000);
  });
});

describe("webhook events from the domain", () => {
  it("updates, reassignments and tasks are announced, each record's in order; an endpoint failing for days is disabled and its admins get a task", async () => {
    const admin = await signUpOrg(server, "Events Co");
    const head = await addUser(server, admin.token, "HEAD_OF_SALES", "Hanna");
    const { created } = await addEndpoint(admin.token);
    received.length = 0;
    const made = await server.gql(`mutation { createClient(input: { name: "Evented" }) { ... on CreateClientPayload { client { id version } } } }`, {}, admin.token);
    const client = made.data.createClient.client;
    await server.gql(`mutation($id: ID!) { updateClient(input: { id: $id, expectedVersion: 1, phone: "+7 916 555-44-33" }) { __typename } }`, { id: client.id }, admin.token);
    await server.gql(`mutation($id: ID!, $o: ID!) { reassignClient(input: { id: $id, expectedVersion: 2, ownerId: $o }) { __typename } }`, { id: client.id, o: head.userId }, admin.token);
    const task = await server.gql(`mutation($c: ID!, $a: ID!) { createTask(input: { title: "Call back", type: CALL, dueAt: "2026-01-01T10:00:00Z", clientId: $c, assigneeId: $a }) { ... on CreateTaskPayload { task { id version } } ... on Error { message } } }`, { c: client.id, a: head.userId }, admin.token);
    const taskId = task.data.createTask.task.id;
    await server.gql(`mutation($id: ID!) { completeTask(input: { id: $id, expectedVersion: 1, result: "Done" }) { __typename } }`, { id: taskId }, admin.token);
    const w = worker();
    try {
      while ((await w.round()) > 0);
    } finally {
      await w.stop();
    }
    const bodies = received.map((r) => JSON.parse(r.body));
    // Records go out side by side; each record's events arrive in the order they happened.
    const about = (id: string) => bodies.filter((b) => b.data.id === id);
    expect(about(client.id).map((b) => b.type)).toEqual(["client.created", "client.updated", "client.reassigned"]);
    expect(about(taskId).map((b) => b.type)).toEqual(["task.created", "task.completed"]);
    expect(about(client.id)[1].data).toMatchObject({ phone: "+79165554433", version: 2 });
    expect(about(client.id)[2].data).toMatchObject({ ownerId: head.userId, previousOwnerId: null });
    expect(about(taskId)[1].data).toMatchObject({ __typename: "Task", status: "DONE", result: "Done" });
    for (const r of received) expect(new Webhook(created.secret).verify(r.body, r.headers as Record<string, string>)).toBeTruthy();

    // The receiver has been failing for six days: the next failure disables the endpoint and tells the admin.
    await server.app.database.query(`UPDATE "WebhookEndpoint" SET "failingSince" = (now() AT TIME ZONE 'UTC') - interval '6 days'`);
    answers.push(503);
    await server.gql(`mutation { createClient(input: { name: "Too late" }) { __typename } }`, {}, admin.token);
    const w2 = worker();
    try {
      await w2.round();
    } finally {
      await w2.stop();
    }
    const state = await server.gql(`{ webhookEndpoints(first: 1) { edges { node { enabled disabledReason } } } myTasks: tasks(first: 5) { edges { node { title } } } }`, {}, admin.token);
    expect(state.data.webhookEndpoints.edges[0].node).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/answered 503/) });
    expect(state.data.myTasks.edges.map((e: any) => e.node.title)).toContainEqual(expect.stringMatching(/^Webhook endpoint disabled: every delivery to http/));
  });
});
