import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { isTransientDatabaseError } from "../../src/db/transient-errors.js";
import { createMemoryRateLimiter } from "../../src/limits/rate-limiter.js";
import { SubscriptionCounter } from "../../src/limits/subscription-limit.js";
import { requestIdFrom } from "../../src/observability/request-id.js";
import { clientAddress } from "../../src/server/client-address.js";

describe("memory rate limiter", () => {
  it("allows `limit` per window per key, then says when to retry, then opens a new window", async () => {
    let now = 1_000;
    const limiter = createMemoryRateLimiter(() => now);
    const rule = { limit: 2, windowMs: 60_000 };
    expect((await limiter.consume("a", rule)).allowed).toBe(true);
    expect((await limiter.consume("a", rule)).allowed).toBe(true);
    now += 15_000;
    expect(await limiter.consume("a", rule)).toEqual({ allowed: false, retryAfterMs: 45_000 });
    expect((await limiter.consume("b", rule)).allowed).toBe(true);
    now += 45_000;
    expect((await limiter.consume("a", rule)).allowed).toBe(true);
  });
});

describe("subscription counter", () => {
  it("caps slots per user and frees them on release", () => {
    const counter = new SubscriptionCounter(2);
    expect(counter.tryAcquire("u1")).toBe(true);
    expect(counter.tryAcquire("u1")).toBe(true);
    expect(counter.tryAcquire("u1")).toBe(false);
    expect(counter.tryAcquire("u2")).toBe(true);
    counter.release("u1");
    expect(counter.tryAcquire("u1")).toBe(true);
    expect(counter.total).toBe(3);
  });
});

describe("request ids and client addresses", () => {
  it("keeps a sane X-Request-Id and replaces anything else", () => {
    expect(requestIdFrom("lb-1.2:3_x")).toBe("lb-1.2:3_x");
    for (const bad of ["", "a b", "x".repeat(129), "<script>", undefined]) expect(requestIdFrom(bad)).toMatch(/^[0-9a-f-]{36}$/);
  });

  const req = (forwarded: string | undefined, remote = "10.0.0.9") =>
    ({ headers: forwarded ? { "x-forwarded-for": forwarded } : {}, socket: { remoteAddress: remote } }) as unknown as IncomingMessage;

  it("believes only the last X-Forwarded-For entry, and only behind a trusted proxy", () => {
    expect(clientAddress(req("1.1.1.1, 203.0.113.7"), true)).toBe("203.0.113.7");
    expect(clientAddress(req("1.1.1.1"), false)).toBe("10.0.0.9");
    expect(clientAddress(req(undefined), true)).toBe("10.0.0.9");
  });
});

describe("transient database errors", () => {
  it("recognises connection loss and shutdown through wrapping, and nothing else", () => {
    expect(isTransientDatabaseError({ message: "wrapped", cause: { code: "57P01" } })).toBe(true);
    expect(isTransientDatabaseError({ code: "08006" })).toBe(true);
    expect(isTransientDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransientDatabaseError({ code: "23505", message: "duplicate key" })).toBe(false);
    expect(isTransientDatabaseError(new TypeError("x is undefined"))).toBe(false);
  });
});
