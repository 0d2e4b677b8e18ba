import { createPubSub } from "graphql-yoga";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import { setMaxListeners } from "node:events";

/** Topics are per organization so no event can cross tenants. Payloads carry ids only; subscribers load what they may see. */
export type CrmTopics = {
  "client:changed": [organizationId: string, payload: { clientId: string; kind: string }];
  "reactivation:added": [organizationId: string, payload: { entryId: string; assigneeId: string }];
  "reminder:due": [organizationId: string, payload: { taskId: string; assigneeId: string; firedAt: string }];
  /** The same reminders, per assignee (`${organizationId}:${assigneeId}`): a manager's sockets hear only their own. */
  "reminder:due:assignee": [organizationAndAssignee: string, payload: { taskId: string; assigneeId: string; firedAt: string }];
  "task:escalated": [organizationId: string, payload: { escalationId: string; taskId: string; managerId: string }];
  /** An import job's counts changed or it finished (`${organizationId}:${jobId}`). */
  "import:progress": [organizationAndJob: string, payload: { jobId: string; finished: boolean }];
  /** Sessions ended or users deactivated: every instance closes their sockets. Ids only, no tenant data. */
  "auth:revoked": [payload: { sessionIds: string[]; userIds: string[]; reason: string }];
};

export type CrmPubSub = ReturnType<typeof createPubSub<CrmTopics>> & { close(): Promise<void> };

export function createCrmPubSub(redisUrl?: string, onRedisError: (error: Error) => void = () => {}, prefix = ""): CrmPubSub {
  if (!redisUrl) {
    // Every live subscriber is a listener on its topic; thousands per topic are normal here, not a leak.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return Object.assign(createPubSub<CrmTopics>({ eventTarget }), { close: async () => {} });
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  // While Redis is away, publishes queue and are sent on reconnect (maxRetriesPerRequest: null), and the
  // subscriber resubscribes by itself (ioredis autoResubscribe); errors are only reported.
  publishClient.on("error", onRedisError);
  subscribeClient.on("error", onRedisError);
  // The event target fires PUBLISH/SUBSCRIBE/UNSUBSCRIBE without awaiting them; during an outage or a shutdown they
  // reject, which must be reported, not left as unhandled rejections (ioredis resubscribes after reconnecting).
  // The event target uses only these three methods of its subscribe client.
  // Channels live under REDIS_PREFIX like the keys, so deployments sharing a Redis never hear each other.
  const prefixed = (channel: string) => `${prefix}${channel}`;
  const subscriber = {
    on: (event: string, listener: (...args: any[]) => void) =>
      subscribeClient.on(event, event === "message"
        ? (channel: string, message: string) => channel.startsWith(prefix) && listener(channel.slice(prefix.length), message)
        : listener),
    subscribe: (...channels: string[]) => subscribeClient.subscribe(...channels.map(prefixed)).catch(onRedisError),
    unsubscribe: (...channels: string[]) => subscribeClient.unsubscribe(...channels.map(prefixed)).catch(onRedisError),
  } as unknown as Redis;
  const publisher = {
    publish: (channel: string, message: string) => publishClient.publish(prefixed(channel), message).catch(onRedisError),
  } as unknown as Redis;
  const eventTarget = createRedisEventTarget({ publishClient: publisher, subscribeClient: subscriber });
  return Object.assign(createPubSub<CrmTopics>({ eventTarget }), {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
