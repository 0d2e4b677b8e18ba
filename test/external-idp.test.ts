import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

// A real JWKS endpoint on loopback stands in for the identity provider.
let jwksServer: Server;
let server: TestServer;
let privateKey: CryptoKey;
const ISSUER = "https://idp.test/";
const AUDIENCE = "crm-api";

beforeAll(async () => {
  const keys = await generateKeyPair("RS256");
  privateKey = keys.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  jwksServer = createServer((_req, res) => res.setHeader("content-type", "application/json").end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwksServer.listen(0, "127.0.0.1", r));
  const { port } = jwksServer.address() as AddressInfo;
  server = await startTestServer({
    config: {
      jwt: {
        ...loadConfig({ NODE_ENV: "test" }).jwt,
        external: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE },
      },
    },
  });
  const admin = await signUpOrg(server, "IdP Org");
  await server.app.services.prisma.user.update({ where: { email: admin.email }, data: { externalSubject: "idp|alice" } });
});
afterAll(async () => {
  await server?.stop();
  jwksServer?.close();
});

const idpToken = (claims: { sub?: string; iss?: string; aud?: string; exp?: string } = {}) =>
  new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setSubject(claims.sub ?? "idp|alice")
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? "10m")
    .sign(privateKey);

describe("external identity provider (JWKS)", () => {
  it("accepts a provider token for a mapped user", async () => {
    const res = await server.gql(`{ me { role } }`, {}, await idpToken());
    expect(res.data).toEqual({ me: { role: "ADMIN" } });
  });

  it("refuses wrong issuer, wrong audience, unknown subject", async () => {
    for (const token of [await idpToken({ iss: "https://evil.test/" }), await idpToken({ aud: "other" }), await idpToken({ sub: "idp|mallory" })]) {
      const res = await server.gql(`{ me { role } }`, {}, token);
      expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });
});
