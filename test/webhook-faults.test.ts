import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "./helpers/database.js";
import { spawnApi } from "./helpers/processes.js";
import { waitForAsync } from "./helpers/wait.js";

const onPostgres = process.env.TEST_DATABASE === "postgres";

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  return (await response.json()) as any;
}

describe.skipIf(!onPostgres)("webhook deliveries across instances (PostgreSQL)", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it("two instances deliver each event once; kill -9 of one with events in flight loses none", async () => {
    const ids: string[] = [];
    let delayMs = 0;
    const receiver: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        ids.push(String(req.headers["webhook-id"]));
        setTimeout(() => res.writeHead(200).end(), delayMs);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => { receiver.closeAllConnections(); receiver.close(resolve); }));
    const db = await openTestDatabase();
    cleanups.push(() => db.drop());
    const env = {
      DATABASE_URL: db.url, REDIS_URL: process.env.TEST_REDIS_URL ?? "", BACKGROUND_JOBS: "1",
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "1", WEBHOOK_POLL_MS: "20", WEBHOOK_TIMEOUT_MS: "1000", WEBHOOK_LEASE_MS: "5000",
    };
    const survivor = await spawnApi(env);
    cleanups.push(() => survivor.kill("SIGKILL"));
    const victim = await spawnApi(env);
    cleanups.push(() => victim.kill("SIGKILL"));

    const signUp = await gql(survivor.url, `mutation($input: SignUpInput!) { signUp(input: $input) { ... on SignUpPayload { session { token } } } }`, {
      input: { organizationName: "Hook faults", name: "Admin", email: "admin@hookfaults.test", password: "correct-horse-battery" },
    });
    const token = signUp.data.signUp.session.token;
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const endpoint = await gql(survivor.url, `mutation($u: String!) { createWebhookEndpoint(input: { url: $u }) { __typename } }`, { u: url }, token);
    expect(endpoint.data.createWebhookEndpoint.__typename).toBe("CreateWebhookEndpointPayload");
    const events = async () => (await db.database.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookEvent"`))[0]!.n;
    const create = (n: number, prefix: string) =>
      Promise.all(Array.from({ length: n }, (_, i) => gql(i % 2 ? victim.url : survivor.url, `mutation($n: String!) { createClient(input: { name: $n }) { __typename } }`, { n: `${prefix} ${i}` }, token)));

    // Both instances claim with SKIP LOCKED: every event arrives exactly once.
    await create(60, "Calm");
    await waitForAsync(async () => new Set(ids).size === 60, 20_000);
    expect(ids).toHaveLength(60);
    expect(Number(await events())).toBe(60);
    const twice = await db.database.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE attempts <> 1`);
    expect(Number(twice[0]!.n)).toBe(0); // no delivery was claimed by both instances

    // Slow answers keep deliveries in flight; the victim dies holding some. Its leases end, the survivor sends them.
    delayMs = 300;
    await create(60, "Storm");
    await waitForAsync(async () => new Set(ids).size >= 80, 20_000);
    await victim.kill("SIGKILL");
    await waitForAsync(async () => new Set(ids).size === 120, 30_000);
    expect(Number(await events())).toBe(120);
    await waitForAsync(async () => (await db.database.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status <> 'DELIVERED'`))[0]!.n === "0", 10_000);
    // The victim died holding claims: those were taken over after their lease (a second attempt).
    const takenOver = await db.database.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE attempts > 1`);
    expect(Number(takenOver[0]!.n)).toBeGreaterThan(0);
  }, 120_000);
});
