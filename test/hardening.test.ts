import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { loadConfig, type Limits } from "../src/config.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";
import { waitFor, waitForAsync } from "./helpers/wait.js";

const baseLimits = loadConfig({ NODE_ENV: "test" }).limits;
const withLimits = (limits: Partial<Limits>) => ({ limits: { ...baseLimits, loginPerMinute: 1000, expensivePerMinute: 1000, ...limits } });
const PERIOD = { from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z" };
const FUNNEL = `query($period: PeriodInput!) { funnel(period: $period) { stages { entered } } }`;

async function post(server: TestServer, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, headers: response.headers, json: (await response.json()) as any };
}

async function clientCount(server: TestServer): Promise<number> {
  const [row] = await server.app.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Client"`);
  return row!.n;
}

describe("request shape limits", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ config: withLimits({ maxAliases: 5, maxTokens: 400, maxDirectives: 3, maxBodyBytes: 16 * 1024 }) });
    token = (await signUpOrg(server)).token;
  });
  afterAll(() => server?.stop());

  it("refuses an alias bomb before executing it", async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: me { id }`).join(" ");
    const res = await server.gql(`{ ${aliases} }`, {}, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it("refuses documents with too many tokens or directives", async () => {
    const fields = Array.from({ length: 500 }, () => "id").join(" ");
    expect((await server.gql(`{ me { ${fields} } }`, {}, token)).errors?.[0]?.message).toMatch(/token/i);
    const directives = `{ me { id @include(if: true) @skip(if: false) @include(if: true) @skip(if: false) } }`;
    expect((await server.gql(directives, {}, token)).errors?.[0]?.message).toMatch(/directives/i);
  });

  it("answers 413 to a body over the limit and creates nothing", async () => {
    const before = await clientCount(server);
    const name = "x".repeat(20 * 1024);
    const res = await post(server, JSON.stringify({
      query: `mutation($name: String!) { createClient(input: { name: $name }) { __typename } }`,
      variables: { name },
    }), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(413);
    expect(res.json.errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await clientCount(server)).toBe(before);
  });

  it("does not run batched operations", async () => {
    const res = await post(server, JSON.stringify([{ query: "{ me { id } }" }, { query: "{ me { id } }" }]), { authorization: `Bearer ${token}` });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(res.json)).not.toContain('"me"');
  });

  it("refuses simple cross-site requests (CSRF) but serves JSON clients", async () => {
    const simple = await fetch(server.url, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ me { id } }" }) });
    expect(simple.status).toBe(403);
    const get = await fetch(`${server.url}?query=${encodeURIComponent("{ me { id } }")}`, { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(403);
    const withHeader = await fetch(`${server.url}?query=${encodeURIComponent("{ me { id } }")}`, {
      headers: { authorization: `Bearer ${token}`, "x-graphql-yoga-csrf": "1", accept: "application/json" },
    });
    expect(withHeader.status).toBe(200);
  });

  it("echoes a sane X-Request-Id and replaces an unsafe one", async () => {
    const kept = await post(server, JSON.stringify({ query: "{ me { id } }" }), { authorization: `Bearer ${token}`, "x-request-id": "lb-123.abc" });
    expect(kept.headers.get("x-request-id")).toBe("lb-123.abc");
    const replaced = await post(server, JSON.stringify({ query: "{ me { id } }" }), { "x-request-id": "bad id\u00e9" });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("structured logs", () => {
  it("every line written while serving a request carries its request id", async () => {
    const lines: any[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const server = await startTestServer({ log });
    try {
      const { token } = await signUpOrg(server);
      await post(server, JSON.stringify({ query: "{ me { id } }" }), { authorization: `Bearer ${token}`, "x-request-id": "trace-42" });
      await post(server, JSON.stringify({ query: "{ me { id } }" }), { authorization: "Bearer forged" });
      const traced = lines.filter((l) => l.requestId === "trace-42");
      expect(traced).toContainEqual(expect.objectContaining({ msg: "request", route: "graphql", status: 200, method: "POST" }));
      const refused = lines.find((l) => l.msg === "request" && l.status === 401);
      expect(refused?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.every((l) => typeof l.time === "number" && typeof l.level === "number")).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe("CORS", () => {
  it("with CORS_ORIGINS set, only those origins are allowed", async () => {
    const server = await startTestServer({ config: { corsOrigins: ["https://app.example"] } });
    try {
      const preflight = (origin: string) =>
        fetch(server.url, {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" },
        });
      expect((await preflight("https://app.example")).headers.get("access-control-allow-origin")).toBe("https://app.example");
      expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
    } finally {
      await server.stop();
    }
  });
});

describe("production schema exposure", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ config: { introspection: false } });
    token = (await signUpOrg(server)).token;
  });
  afterAll(() => server?.stop());

  it("refuses introspection and does not suggest field names", async () => {
    const introspection = await server.gql(`{ __schema { types { name } } }`, {}, token);
    expect(introspection.data ?? null).toBeNull();
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await server.gql(`{ me { nam } }`, {}, token);
    expect(typo.errors?.[0]?.message).not.toMatch(/did you mean/i);
  });

  it("still answers __typename", async () => {
    expect((await server.gql(`{ __typename }`, {}, token)).data).toEqual({ __typename: "Query" });
  });
});

describe("rate limits", () => {
  let server: TestServer;
  let admin: { token: string; email: string };
  beforeAll(async () => {
    server = await startTestServer({ config: { ...withLimits({ loginPerMinute: 3, expensivePerMinute: 2 }), trustProxy: true } });
    // Sign up from its own address so it does not use the login budget of the tests below.
    const res = await post(server, JSON.stringify({
      query: `mutation($input: SignUpInput!) { signUp(input: $input) { ... on SignUpPayload { session { token } } } }`,
      variables: { input: { organizationName: "Rate", name: "Admin", email: "admin@rate.test", password: "correct-horse-battery" } },
    }), { "x-forwarded-for": "10.9.9.9" });
    admin = { token: res.json.data.signUp.session.token, email: "admin@rate.test" };
  });
  afterAll(() => server?.stop());

  const login = (email: string, ip: string) =>
    post(server, JSON.stringify({
      query: `mutation($input: LoginInput!) { login(input: $input) { __typename } }`,
      variables: { input: { email, password: "wrong-password" } },
    }), { "x-forwarded-for": ip });

  it("limits login attempts per address with 429 and Retry-After", async () => {
    for (let i = 0; i < 3; i++) expect((await login(`nobody${i}@rate.test`, "10.0.0.1")).json.data.login.__typename).toBe("AuthenticationError");
    const limited = await login("nobody9@rate.test", "10.0.0.1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.json.errors[0].extensions.code).toBe("RATE_LIMITED");
    // Another address has its own budget.
    expect((await login("nobody9@rate.test", "10.0.0.2")).json.data.login.__typename).toBe("AuthenticationError");
  });

  it("limits guesses at one account from many addresses", async () => {
    for (let i = 0; i < 3; i++) expect((await login(admin.email, `10.1.0.${i}`)).json.data.login.__typename).toBe("AuthenticationError");
    const limited = await login(admin.email, "10.1.0.99");
    expect(limited.json.errors[0].extensions.code).toBe("RATE_LIMITED");
  });

  it("limits expensive analytics per user, counting every alias, and leaves other users alone", async () => {
    const aliased = `query($period: PeriodInput!) { a: funnel(period: $period) { stages { entered } } b: funnel(period: $period) { stages { entered } } }`;
    expect((await server.gql(aliased, { period: PERIOD }, admin.token)).errors).toBeUndefined();
    const limited = await server.gql(FUNNEL, { period: PERIOD }, admin.token);
    expect(limited.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    // Cheap operations are not limited.
    expect((await server.gql(`{ me { id } }`, {}, admin.token)).errors).toBeUndefined();
    const head = await createHead(server, admin.token);
    expect((await server.gql(FUNNEL, { period: PERIOD }, head)).errors).toBeUndefined();
  });

  async function createHead(s: TestServer, adminToken: string): Promise<string> {
    const email = "head@rate.test";
    await s.gql(
      `mutation($input: CreateUserInput!) { createUser(input: $input) { __typename } }`,
      { input: { name: "Head", email, password: "correct-horse-battery", role: "HEAD_OF_SALES" } },
      adminToken,
    );
    const res = await post(s, JSON.stringify({
      query: `mutation($input: LoginInput!) { login(input: $input) { ... on LoginPayload { session { token } } } }`,
      variables: { input: { email, password: "correct-horse-battery" } },
    }), { "x-forwarded-for": "10.7.7.7" });
    return res.json.data.login.session.token;
  }
});

describe("subscriptions per user", () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ config: withLimits({ subscriptionsPerUser: 2 }) });
    admin = (await signUpOrg(server)).token;
  });
  afterAll(() => server?.stop());

  it("refuses a subscription over the limit; completing one frees its slot; other users are not affected", async () => {
    const client = server.ws(admin);
    const events: string[] = [];
    const subscribe = (name: string) =>
      client.subscribe({ query: `subscription { clientChanged { kind } }` }, {
        next: (value) => events.push(`${name}:next:${JSON.stringify(value)}`),
        error: (error) => events.push(`${name}:error:${JSON.stringify(error)}`),
        complete: () => events.push(`${name}:complete`),
      });
    const first = subscribe("first");
    subscribe("second");
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === 2);
    subscribe("third");
    // Refused at subscribe time: one result carrying the error, then complete.
    await waitFor(() => events.includes("third:complete"));
    expect(events.find((e) => e.startsWith("third:next"))).toContain("SUBSCRIPTION_LIMIT");

    first();
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === 1);
    subscribe("fourth");
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === 2);
    expect(events.some((e) => e.startsWith("fourth:") )).toBe(false);

    const manager = await addUser(server, admin, "MANAGER");
    const other = server.ws(manager.token);
    other.subscribe({ query: `subscription { clientChanged { kind } }` }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === 3);
    await client.dispose();
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === 1);
  });

  it("counts subscriptions over HTTP (server-sent events) against the same limit", async () => {
    const { token } = await addUser(server, admin, "MANAGER");
    const open = () => {
      const abort = new AbortController();
      const response = fetch(server.url, {
        method: "POST",
        signal: abort.signal,
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "subscription { clientChanged { kind } }" }),
      });
      return { abort, response };
    };
    const before = await metric(server, "graphql_active_subscriptions");
    const streams = [open(), open()];
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === before + 2);
    const third = await (await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "subscription { clientChanged { kind } }" }),
    })).text();
    expect(third).toContain("SUBSCRIPTION_LIMIT");
    for (const stream of streams) {
      stream.abort.abort();
      await stream.response.catch(() => {});
    }
    await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === before);
  });

  it("answers an over-long document on a socket with an error, and closes a socket that sends an oversized message", async () => {
    const client = server.ws(admin);
    const fields = Array.from({ length: 4000 }, () => "id").join(" ");
    const errors: unknown[] = [];
    client.subscribe({ query: `subscription { clientChanged { clientId ${fields} } }` }, {
      next: () => {}, complete: () => {}, error: (error) => errors.push(error),
    });
    await waitFor(() => errors.length > 0);
    expect(JSON.stringify(errors[0])).toMatch(/token/i);

    const closed: number[] = [];
    const big = server.ws(admin, { on: { closed: (event: any) => closed.push(event.code) } });
    big.subscribe({ query: `subscription { clientChanged { kind } }`, variables: { pad: "x".repeat(server.config.limits.maxBodyBytes + 1) } }, {
      next: () => {}, complete: () => {}, error: () => {},
    });
    await waitFor(() => closed.length > 0);
    expect(closed[0]).toBe(1009); // message too big
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL)("subscriptions per user across instances (Redis)", () => {
  it("the limit holds for the user across instances, and a completed subscription frees its slot everywhere", async () => {
    const config = { ...withLimits({ subscriptionsPerUser: 2 }), redisUrl: process.env.TEST_REDIS_URL };
    const a = await startTestServer({ config });
    const b = await startTestServer({ config, shareDatabaseOf: a });
    try {
      const { token } = await signUpOrg(a);
      const results: string[] = [];
      const subscribe = (server: TestServer, name: string) =>
        server.ws(token).subscribe({ query: "subscription { clientChanged { kind } }" }, {
          next: (value) => results.push(`${name}:${JSON.stringify(value)}`),
          error: (error) => results.push(`${name}:error:${JSON.stringify(error)}`),
          complete: () => results.push(`${name}:complete`),
        });
      const onA = subscribe(a, "a1");
      subscribe(b, "b1");
      await waitForAsync(async () => (await metric(a, "graphql_active_subscriptions")) === 1 && (await metric(b, "graphql_active_subscriptions")) === 1);
      subscribe(b, "b2");
      await waitFor(() => results.includes("b2:complete"));
      expect(results.find((r) => r.startsWith("b2:"))).toContain("SUBSCRIPTION_LIMIT");

      onA();
      await waitForAsync(async () => (await metric(a, "graphql_active_subscriptions")) === 0);
      subscribe(b, "b3");
      await waitForAsync(async () => (await metric(b, "graphql_active_subscriptions")) === 2);
      expect(results.some((r) => r.startsWith("b3:"))).toBe(false);
    } finally {
      await b.stopKeepingData();
      await a.stop();
    }
  });
});

describe("operations endpoints", () => {
  it("serves liveness, readiness and metrics; readiness fails while draining", async () => {
    const server = await startTestServer({ config: { drainDelayMs: 400 } });
    try {
      const base = new URL(server.url).origin;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect((await ready.json()).checks.database).toBe("ok");
      await server.gql(`{ __typename }`);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      for (const name of ["http_requests_total", "graphql_envelop_request_duration", "graphql_active_subscriptions", "reminder_fire_lag_seconds", "process_cpu_seconds_total"]) {
        expect(metrics).toContain(name);
      }
      const stopping = server.stopKeepingData();
      const draining = await fetch(`${base}/readyz`);
      expect(draining.status).toBe(503);
      expect((await draining.json()).checks.draining).toBeDefined();
      await stopping;
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await server.dropData();
    }
  });

  it("a drain ends live subscriptions at once: SSE streams end cleanly, sockets get 1001 (going away)", async () => {
    // A drain timeout far beyond the test's own: only ending the streams lets stop() finish in time.
    const server = await startTestServer({ config: { drainTimeoutMs: 600_000 } });
    try {
      const { token } = await signUpOrg(server);
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "subscription { clientChanged { kind } }" }),
      });
      const reader = response.body!.getReader();
      const streamEnd = (async () => {
        let text = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return text;
          text += new TextDecoder().decode(value);
        }
      })();
      const closes: number[] = [];
      server.ws(token, { onNonLazyError: () => {}, on: { closed: (event: any) => closes.push(event.code) } })
        .subscribe({ query: "subscription { clientChanged { kind } }" }, { next: () => {}, error: () => {}, complete: () => {} });
      await waitForAsync(async () => (await metric(server, "graphql_active_subscriptions")) === 2);

      await server.stopKeepingData();
      expect(await streamEnd).toContain("event: complete"); // a clean end of stream, not a cut connection
      await waitFor(() => closes.length > 0);
      expect(closes[0]).toBe(1001);
    } finally {
      await server.dropData();
    }
  });

  it("hides metrics in production unless METRICS_TOKEN is given, then requires it", async () => {
    const hidden = await startTestServer({ config: { production: true } });
    const locked = await startTestServer({ config: { production: true, metricsToken: "scrape-secret" } });
    try {
      expect((await fetch(`${new URL(hidden.url).origin}/metrics`)).status).toBe(404);
      const base = new URL(locked.url).origin;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer scrape-secret" } })).status).toBe(200);
    } finally {
      await Promise.all([hidden.stop(), locked.stop()]);
    }
  });

  it("refuses to start on a database with pending migrations unless told to migrate", async () => {
    const { openDatabase } = await import("../src/db/database.js");
    const { buildApp } = await import("../src/server/app.js");
    const database = await openDatabase("postgresql://localhost/test?pglite=memory:");
    try {
      const config = loadConfig({ NODE_ENV: "test" }, { migrateOnStart: false, seedDemo: false, backgroundJobs: false });
      await expect(buildApp({ config, database })).rejects.toThrow(/npm run migrate/);
    } finally {
      await database.close();
    }
  });
});

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${new URL(server.url).origin}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}
