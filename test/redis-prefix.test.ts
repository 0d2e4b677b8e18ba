import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createCrmPubSub } from "../src/pubsub.js";
import { settle, waitFor } from "./helpers/wait.js";

const url = process.env.TEST_REDIS_URL;

describe.skipIf(!url)("Redis channels live under REDIS_PREFIX (Redis)", () => {
  it("two deployments sharing a Redis never hear each other's events", async () => {
    const suffix = Math.random().toString(36).slice(2);
    const a = createCrmPubSub(url, undefined, `dep-a-${suffix}:`);
    const b = createCrmPubSub(url, undefined, `dep-b-${suffix}:`);
    const raw = new Redis(url!);
    const rawChannels: string[] = [];
    await raw.psubscribe(`dep-*-${suffix}:*`);
    raw.on("pmessage", (_pattern, channel) => rawChannels.push(channel));
    const heard: string[] = [];
    const iterator = b.subscribe("client:changed", "org-1")[Symbol.asyncIterator]();
    const pump = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        heard.push(next.value.kind);
      }
    })();
    try {
      await settle(300); // the SUBSCRIBE reaches Redis
      a.publish("client:changed", "org-1", { clientId: "c1", kind: "FROM_A" });
      b.publish("client:changed", "org-1", { clientId: "c1", kind: "FROM_B" });
      await waitFor(() => heard.length > 0 && rawChannels.length >= 2);
      await settle(200);
      expect(heard).toEqual(["FROM_B"]);
      expect(rawChannels.sort()).toEqual([`dep-a-${suffix}:client:changed:org-1`, `dep-b-${suffix}:client:changed:org-1`]);
    } finally {
      await iterator.return?.();
      await pump;
      raw.disconnect();
      await a.close();
      await b.close();
    }
  });
});
