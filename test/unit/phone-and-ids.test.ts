import { describe, expect, it } from "vitest";
import { normalizePhone } from "../../src/shared/phone.js";
import { decodeId, encodeId } from "../../src/graphql/global-id.js";
import { resolveDatabase } from "../../src/db/database-url.js";

describe("normalizePhone", () => {
  it("normalises local and international formats to E.164", () => {
    expect(normalizePhone("8 (916) 123-45-67")).toBe("+79161234567");
    expect(normalizePhone("+44 20 7946 0958")).toBe("+442079460958");
  });
  it("refuses garbage and absurd lengths", () => {
    expect(normalizePhone("12")).toBeUndefined();
    expect(normalizePhone("call me maybe")).toBeUndefined();
    expect(normalizePhone("9".repeat(41))).toBeUndefined();
  });
});

describe("global ids", () => {
  it("round-trips and rejects malformed ids", () => {
    const id = "0b6f5a3e-8f43-4a59-9b7c-0d8c0e5b1a11";
    expect(decodeId(encodeId("Client", id))).toEqual({ typename: "Client", id });
    expect(() => decodeId("garbage")).toThrow(/Malformed id/);
    expect(() => decodeId(Buffer.from("Client:1 OR 1=1").toString("base64url"))).toThrow(/Malformed id/);
  });
});

describe("resolveDatabase", () => {
  it("picks embedded PGlite for ?pglite= and a server otherwise", () => {
    expect(resolveDatabase("postgresql://localhost/x?pglite=./data/pglite")).toEqual({ kind: "pglite", dataDir: "./data/pglite" });
    expect(resolveDatabase("postgresql://localhost/x?pglite=memory:")).toEqual({ kind: "pglite", dataDir: undefined });
    expect(resolveDatabase("postgresql://postgres@127.0.0.1:5432/crm")).toEqual({ kind: "postgres", url: "postgresql://postgres@127.0.0.1:5432/crm" });
  });
});
