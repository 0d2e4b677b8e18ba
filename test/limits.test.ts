import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await signUpOrg(server, "Limits Org")).token;
});
afterAll(() => server?.stop());

describe("query limits", () => {
  it("refuses queries deeper than the limit before running them", async () => {
    const deep = `{ clients { edges { node { employments { edges { node { contact { employments { edges { node { client { employments { edges { node { contact { employments { edges { node { client { owner { id } } } } } } } } } } } } } } } } } } } } }`;
    const res = await server.gql(deep, {}, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/maximum depth/i);
    expect(res.errors?.[0]?.extensions?.code).toBe("DEPTH_LIMIT_EXCEEDED");
  });

  it("refuses queries whose estimated cost is over the limit", async () => {
    const wide = `{ clients(first: 100) { edges { node { activities(first: 100) { edges { node { id body type } } } } } } }`;
    const res = await server.gql(wide, {}, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/maximum complexity/i);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", cost: { limit: 10000 } });
    expect((res.errors?.[0]?.extensions?.cost as { requested: number }).requested).toBeGreaterThan(10000);
  });

  it("a normal page passes and reports its cost in extensions", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ clients(first: 50) { edges { node { id owner { name } } } } }` }),
    });
    const body = (await res.json()) as { errors?: unknown; extensions?: { cost?: Record<string, number> } };
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.cost).toMatchObject({ limit: 10000, depthLimit: 10 });
    expect(body.extensions!.cost!.requested).toBeGreaterThan(50);
  });

  it("a page above the maximum is an error, not a silent clamp, whether literal, variable or in a fragment", async () => {
    const literal = await server.gql(`{ clients(first: 500) { totalCount } }`, {}, token);
    expect(literal.data ?? null).toBeNull();
    expect(literal.errors?.[0]).toMatchObject({
      message: '"first" on clients must be at most 100 (got 500); page with cursors instead',
      extensions: { code: "PAGE_SIZE_TOO_LARGE", maxPageSize: 100 },
    });
    const variable = await server.gql(`query($n: Int) { tasks(first: $n) { totalCount } }`, { n: 101 }, token);
    expect(variable.errors?.[0]?.extensions?.code).toBe("PAGE_SIZE_TOO_LARGE");
    const nested = await server.gql(`{ clients(first: 1) { ...C } } fragment C on QueryClientsConnection { edges { node { activities(first: 1000) { totalCount } } } }`, {}, token);
    expect(nested.errors?.[0]?.message).toBe('"first" on activities must be at most 100 (got 1000); page with cursors instead');
    expect((await server.gql(`{ clients(first: 100) { totalCount } }`, {}, token)).errors).toBeUndefined();
  });
});
