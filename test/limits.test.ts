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
  });

  it("refuses queries whose estimated cost is over the limit", async () => {
    const wide = `{ clients(first: 100) { edges { node { activities(first: 100) { edges { node { id body type } } } } } } }`;
    const res = await server.gql(wide, {}, token);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/maximum complexity/i);
  });

  it("a normal page passes", async () => {
    const res = await server.gql(`{ clients(first: 50) { edges { node { id owner { name } } } } }`, {}, token);
    expect(res.errors).toBeUndefined();
  });
});
