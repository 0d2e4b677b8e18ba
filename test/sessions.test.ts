import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";
import { settle, waitFor } from "./helpers/wait.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const SESSION = `session { token tokenExpiresAt refreshToken refreshTokenExpiresAt user { id } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { __typename ... on LoginPayload { ${SESSION} } ... on Error { message } } }`;
const REFRESH = `mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { __typename ... on RefreshSessionPayload { ${SESSION} } ... on Error { message } } }`;
const ME = `{ me { id } }`;

async function status(token: string): Promise<number> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: ME }),
  });
  return response.status;
}

async function userWithPassword(role: "MANAGER" | "HEAD_OF_SALES" = "MANAGER") {
  const admin = await signUpOrg(server);
  const email = `person${Date.now()}${Math.random().toString(36).slice(2)}@sessions.test`;
  const created = await server.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { ... on CreateUserPayload { user { id } } } }`,
    { input: { name: "Person", email, password: "first-password", role } }, admin.token);
  return { admin, email, userId: created.data.createUser.user.id as string };
}

async function login(email: string, password: string) {
  const res = await server.gql(LOGIN, { input: { email, password } });
  return res.data.login;
}

function socketOf(token: string) {
  const closes: { code: number; reason: string }[] = [];
  let connected = false;
  const client = server.ws(token, { onNonLazyError: () => {}, on: { connected: () => void (connected = true), closed: (e: any) => void closes.push({ code: e.code, reason: e.reason }) } });
  client.subscribe({ query: `subscription { clientChanged { clientId } }` }, { next: () => {}, error: () => {}, complete: () => {} });
  return { closes, isConnected: () => connected };
}

describe("sessions: short-lived access tokens and rotating refresh tokens", () => {
  it("login returns both tokens; a refresh rotates them; the old refresh token no longer works and its reuse ends the session", async () => {
    const { email } = await userWithPassword();
    const first = (await login(email, "first-password")).session;
    expect(new Date(first.tokenExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    expect(new Date(first.refreshTokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const refreshed = (await server.gql(REFRESH, { t: first.refreshToken })).data.refreshSession;
    expect(refreshed.__typename).toBe("RefreshSessionPayload");
    expect(refreshed.session.refreshToken).not.toBe(first.refreshToken);
    expect(refreshed.session.user.id).toBe(first.user.id);
    expect(await status(refreshed.session.token)).toBe(200);

    // Someone replays the old refresh token: refused, and the whole session ends, new tokens included.
    const replay = (await server.gql(REFRESH, { t: first.refreshToken })).data.refreshSession;
    expect(replay).toEqual({ __typename: "AuthenticationError", message: "Cannot refresh: this refresh token was already used; the session is ended for safety. Log in again." });
    expect(await status(refreshed.session.token)).toBe(401);
    expect(await status(first.token)).toBe(401);
    expect((await server.gql(REFRESH, { t: refreshed.session.refreshToken })).data.refreshSession.message).toMatch(/the session was ended/);
    expect((await server.gql(REFRESH, { t: "made-up" })).data.refreshSession.message).toMatch(/unknown refresh token/);
  });

  it("logout ends the session at once: its access token answers 401 and its refresh token is refused; other sessions stay", async () => {
    const { email } = await userWithPassword();
    const phone = (await login(email, "first-password")).session;
    const laptop = (await login(email, "first-password")).session;
    const out = await server.gql(`mutation { logout { __typename ... on LogoutPayload { loggedOut } } }`, {}, phone.token);
    expect(out.data.logout).toEqual({ __typename: "LogoutPayload", loggedOut: true });
    expect(await status(phone.token)).toBe(401);
    expect((await server.gql(REFRESH, { t: phone.refreshToken })).data.refreshSession.__typename).toBe("AuthenticationError");
    expect(await status(laptop.token)).toBe(200);
  });

  it("changing the password needs the current one and ends the user's other sessions", async () => {
    const { email } = await userWithPassword();
    const here = (await login(email, "first-password")).session;
    const elsewhere = (await login(email, "first-password")).session;
    const change = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on Error { message } ... on ValidationError { issues { path message } } } }`;
    expect((await server.gql(change, { input: { currentPassword: "wrong-password", newPassword: "second-password" } }, here.token)).data.changePassword)
      .toEqual({ __typename: "AuthenticationError", message: "The current password is wrong" });
    expect((await server.gql(change, { input: { currentPassword: "first-password", newPassword: "short" } }, here.token)).data.changePassword.issues)
      .toEqual([{ path: ["input", "newPassword"], message: "must be at least 8 characters" }]);
    expect((await server.gql(change, { input: { currentPassword: "first-password", newPassword: "second-password" } }, here.token)).data.changePassword.__typename)
      .toBe("ChangePasswordPayload");
    expect(await status(here.token)).toBe(200);
    expect(await status(elsewhere.token)).toBe(401);
    expect((await login(email, "first-password")).__typename).toBe("AuthenticationError");
    expect((await login(email, "second-password")).__typename).toBe("LoginPayload");
  });
});

describe("deactivating a user", () => {
  it("stops their tokens at once (401), closes their sockets, and hands their clients and open tasks to someone else in one step", async () => {
    const { admin, email, userId } = await userWithPassword();
    const head = await addUser(server, admin.token, "HEAD_OF_SALES", "Heir");
    const manager = (await login(email, "first-password")).session;
    for (const name of ["Kept A", "Kept B"]) {
      await server.gql(`mutation($n: String!) { createClient(input: { name: $n }) { __typename } }`, { n: name }, manager.token);
    }
    await server.gql(`mutation { createTask(input: { title: "Call", type: CALL, dueAt: "2030-01-01T10:00:00Z" }) { __typename } }`, {}, manager.token);
    const socket = socketOf(manager.token);
    await waitFor(() => socket.isConnected());

    const deactivate = `mutation($input: DeactivateUserInput!) { deactivateUser(input: $input) { __typename
      ... on DeactivateUserPayload { deactivation { user { id active } reassignedClientCount reassignedTaskCount } }
      ... on ValidationError { issues { path message } } ... on Error { message } } }`;
    expect((await server.gql(deactivate, { input: { id: userId } }, head.token)).data.deactivateUser.__typename).toBe("ForbiddenError");
    expect((await server.gql(deactivate, { input: { id: userId } }, admin.token)).data.deactivateUser.issues)
      .toEqual([{ path: ["input", "reassignTo"], message: "is required: the user owns 2 clients and has 1 open tasks" }]);
    expect(await status(manager.token)).toBe(200); // nothing happened

    const done = (await server.gql(deactivate, { input: { id: userId, reassignTo: head.userId } }, admin.token)).data.deactivateUser;
    expect(done.deactivation).toEqual({ user: { id: userId, active: false }, reassignedClientCount: 2, reassignedTaskCount: 1 });
    expect(await status(manager.token)).toBe(401);
    await waitFor(() => socket.closes.length > 0);
    expect(socket.closes[0]).toEqual({ code: 4403, reason: "Session ended: user deactivated" });
    expect((await server.gql(REFRESH, { t: manager.refreshToken })).data.refreshSession.__typename).toBe("AuthenticationError");
    expect((await login(email, "first-password")).__typename).toBe("AuthenticationError");
    const owned = await server.gql(`query($id: ID!) { clients(filter: { ownerId: $id }) { totalCount } myTasks(scope: UPCOMING) { totalCount } }`, { id: head.userId }, head.token);
    expect(owned.data).toEqual({ clients: { totalCount: 2 }, myTasks: { totalCount: 1 } });

    const back = await server.gql(`mutation($id: ID!) { reactivateUser(input: { id: $id }) { __typename ... on ReactivateUserPayload { user { active } } } }`, { id: userId }, admin.token);
    expect(back.data.reactivateUser).toEqual({ __typename: "ReactivateUserPayload", user: { active: true } });
    expect((await login(email, "first-password")).__typename).toBe("LoginPayload");
  });
});

describe("a live socket does not outlive its token", () => {
  it("closes with 4403 when the token expires; a client that fetches a fresh token reconnects by itself", async () => {
    const shortLived = await startTestServer({ config: { jwt: { ...server.config.jwt, ttlSeconds: 2 } } });
    try {
      const admin = await signUpOrg(shortLived);
      let token = admin.token;
      const closes: { code: number; reason: string }[] = [];
      let connections = 0;
      const client = shortLived.ws(undefined, {
        connectionParams: () => ({ authorization: `Bearer ${token}` }),
        retryAttempts: 3,
        retryWait: async () => {
          // What a real client does on 4403: get a fresh token (here by logging in again), then reconnect.
          const fresh = await shortLived.gql(LOGIN, { input: { email: admin.email, password: "correct-horse-battery" } });
          token = fresh.data.login.session.token;
        },
        on: { connected: () => void connections++, closed: (e: any) => void closes.push({ code: e.code, reason: e.reason }) },
      });
      client.subscribe({ query: `subscription { clientChanged { clientId } }` }, { next: () => {}, error: () => {}, complete: () => {} });
      await waitFor(() => connections === 1);
      await waitFor(() => closes.length >= 1, 10_000);
      expect(closes[0]).toEqual({ code: 4403, reason: "Token expired: reconnect with a fresh token" });
      await waitFor(() => connections === 2, 10_000);
      await settle();
    } finally {
      await shortLived.stop();
    }
  });

  // Another instance hears of the logout through Redis; PGlite has one process, so this runs on PostgreSQL + Redis.
  it.skipIf(process.env.TEST_DATABASE !== "postgres" || !process.env.TEST_REDIS_URL)("logout closes the session's sockets on every instance", async () => {
    const second = await startTestServer({ shareDatabaseOf: server });
    try {
      const { email } = await userWithPassword();
      const session = (await login(email, "first-password")).session;
      const closes: { code: number; reason: string }[] = [];
      let connected = false;
      second.ws(session.token, { on: { connected: () => void (connected = true), closed: (e: any) => void closes.push({ code: e.code, reason: e.reason }) } })
        .subscribe({ query: `subscription { clientChanged { clientId } }` }, { next: () => {}, error: () => {}, complete: () => {} });
      await waitFor(() => connected);
      await server.gql(`mutation { logout { __typename } }`, {}, session.token); // on the first instance
      await waitFor(() => closes.length > 0);
      expect(closes[0]).toEqual({ code: 4403, reason: "Session ended: logged out" });
    } finally {
      await second.stop();
    }
  });
});

describe("subscriptions are authorized when made", () => {
  const SUBSCRIPTIONS = [
    "subscription { clientChanged { clientId } }",
    "subscription { reminderDue { id } }",
    "subscription { reactivationEntryAdded { id } }",
    "subscription { taskEscalated { id } }",
  ];
  const sse = (query: string, token?: string) =>
    fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });

  it("an anonymous subscription over SSE answers 401 UNAUTHENTICATED", async () => {
    for (const query of SUBSCRIPTIONS) {
      const response = await sse(query);
      expect(response.status, query).toBe(401);
      expect(await response.text(), query).toContain('"code":"UNAUTHENTICATED"');
    }
  });

  it("a manager's taskEscalated is refused at once (FORBIDDEN), over SSE and graphql-ws", async () => {
    const admin = await signUpOrg(server);
    const manager = await addUser(server, admin.token, "MANAGER");
    const body = await (await sse("subscription { taskEscalated { id } }", manager.token)).text();
    expect(body).toContain('"code":"FORBIDDEN"');
    expect(body).toContain("event: complete");
    const results: any[] = [];
    let completed = false;
    server.ws(manager.token).subscribe({ query: "subscription { taskEscalated { id } }" }, { next: (r) => void results.push(r), error: () => {}, complete: () => void (completed = true) });
    await waitFor(() => completed);
    expect(results.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(["FORBIDDEN"]);
  });
});
