import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("GraphiQL for the newcomer", () => {
  it("is served whole from the package: no asset comes from a CDN (offices without internet get a working page)", async () => {
    const response = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("YogaGraphiQL.renderYogaGraphiQL");
    expect(html).not.toMatch(/<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/i);
    expect(html).not.toMatch(/unpkg\.com|cdn\.jsdelivr|esm\.sh/);
    // Subscriptions go over SSE, so the Authorization header pasted into GraphiQL authenticates them too.
    expect(html).toContain('"subscriptionsProtocol":"SSE"');
  });

  it("a subscription over SSE with the pasted header receives live events", async () => {
    const admin = await signUpOrg(server);
    const controller = new AbortController();
    const response = await fetch(server.url, {
      method: "POST",
      signal: controller.signal,
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: "subscription { clientChanged { kind client { name } } }" }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await new Promise((r) => setTimeout(r, 200));
    await server.gql(`mutation { createClient(input: { name: "Seen live" }) { __typename } }`, {}, admin.token);
    let text = "";
    while (!text.includes("Seen live")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('{"data":{"clientChanged":{"kind":"CREATED","client":{"name":"Seen live"}}}}');
  });
});
