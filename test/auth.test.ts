import { SignJWT, base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let admin: Awaited<ReturnType<typeof signUpOrg>>;
const ME = `{ me { id email role } }`;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUpOrg(server, "Auth Org");
});
afterAll(() => server?.stop());

function sign(claims: Record<string, unknown>, options: { secret?: Uint8Array; iss?: string; aud?: string; exp?: number | string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(claims.sub ?? ""))
    .setIssuer(options.iss ?? server.config.jwt.issuer)
    .setAudience(options.aud ?? server.config.jwt.audience)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? "1h")
    .sign(options.secret ?? server.config.jwt.secret);
}

const expectUnauthenticated = (res: { errors?: { extensions?: Record<string, unknown> }[]; data?: unknown }) => {
  expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  expect(res.data ?? null).toBeNull();
};

describe("auth", () => {
  it("signUp returns a working token for the new organization's admin", async () => {
    const res = await server.gql(ME, {}, admin.token);
    expect(res.data.me).toMatchObject({ id: admin.userId, role: "ADMIN", email: admin.email });
  });

  it("login accepts the right password and refuses a wrong one with a typed error", async () => {
    const ok = await server.gql(`mutation { login(input: { email: "${admin.email}", password: "correct-horse-battery" }) { __typename } }`);
    expect(ok.data.login.__typename).toBe("LoginPayload");
    const bad = await server.gql(
      `mutation { login(input: { email: "${admin.email}", password: "wrong-password" }) { __typename ... on Error { message code } } }`,
    );
    expect(bad.data.login).toEqual({ __typename: "AuthenticationError", message: "Wrong email or password", code: "UNAUTHENTICATED" });
    const unknown = await server.gql(
      `mutation { login(input: { email: "nobody@nowhere.test", password: "whatever1" }) { __typename ... on Error { message } } }`,
    );
    expect(unknown.data.login.message).toBe("Wrong email or password");
  });

  it("signUp validates input and refuses a duplicate email", async () => {
    const res = await server.gql(
      `mutation { signUp(input: { organizationName: "", name: "X", email: "not-an-email", password: "short" }) {
        __typename ... on ValidationError { issues { path message } } } }`,
    );
    expect(res.data.signUp.__typename).toBe("ValidationError");
    const paths = res.data.signUp.issues.map((i: { path: string[] }) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["input.organizationName", "input.email", "input.password"]));
    const dup = await server.gql(
      `mutation { signUp(input: { organizationName: "Y", name: "X", email: "${admin.email}", password: "long-enough-pw" }) {
        __typename ... on ValidationError { issues { path message } } } }`,
    );
    expect(dup.data.signUp.issues).toEqual([{ path: ["input", "email"], message: "is already registered" }]);
  });

  it("rejects a request without a token", async () => expectUnauthenticated(await server.gql(ME)));

  it("rejects an expired token", async () => {
    const token = await sign({ sub: admin.userId }, { exp: Math.floor(Date.now() / 1000) - 60 });
    const res = await server.gql(ME, {}, token);
    expectUnauthenticated(res);
    expect(res.errors?.[0]?.message).toContain("expired");
  });

  it("rejects a token signed with another secret", async () =>
    expectUnauthenticated(await server.gql(ME, {}, await sign({ sub: admin.userId }, { secret: new TextEncoder().encode("x".repeat(40)) }))));

  it("rejects a wrong issuer and a wrong audience", async () => {
    expectUnauthenticated(await server.gql(ME, {}, await sign({ sub: admin.userId }, { iss: "evil" })));
    expectUnauthenticated(await server.gql(ME, {}, await sign({ sub: admin.userId }, { aud: "someone-else" })));
  });

  it("rejects alg:none and a token without expiry", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
    const body = base64url.encode(
      JSON.stringify({ sub: admin.userId, iss: server.config.jwt.issuer, aud: server.config.jwt.audience, exp: 9999999999 }),
    );
    expectUnauthenticated(await server.gql(ME, {}, `${header}.${body}.`));
    const noExp = await new SignJWT({ sub: admin.userId })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(admin.userId)
      .setIssuer(server.config.jwt.issuer)
      .setAudience(server.config.jwt.audience)
      .sign(server.config.jwt.secret);
    expectUnauthenticated(await server.gql(ME, {}, noExp));
  });

  it("rejects a validly signed token for a user that does not exist", async () =>
    expectUnauthenticated(await server.gql(ME, {}, await sign({ sub: "00000000-0000-4000-8000-000000000000" }))));

  it("only ADMIN creates users; a manager gets a typed Forbidden", async () => {
    const create = `mutation($input: CreateUserInput!) { createUser(input: $input) { __typename } }`;
    const input = { name: "M", email: "m1@auth.test", password: "correct-horse-battery", role: "MANAGER" };
    expect((await server.gql(create, { input }, admin.token)).data.createUser.__typename).toBe("CreateUserPayload");
    const login = await server.gql(`mutation { login(input: { email: "m1@auth.test", password: "correct-horse-battery" }) { ... on LoginPayload { session { token } } } }`);
    const managerToken = login.data.login.session.token;
    const res = await server.gql(create, { input: { ...input, email: "m2@auth.test" } }, managerToken);
    expect(res.data.createUser.__typename).toBe("ForbiddenError");
  });
});
