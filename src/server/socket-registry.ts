import type { WebSocket } from "ws";
import type { Viewer } from "../auth/tokens.js";
import type { CrmPubSub } from "../pubsub.js";

/**
 * A live socket must not outlive its token. Each authenticated socket is closed with 4403 when its token expires,
 * and at once when its session is revoked or its user deactivated (the `auth:revoked` event reaches every
 * instance). graphql-ws clients treat 4403 as retryable: a client whose `connectionParams` is a function that
 * returns a fresh token reconnects by itself; one with a revoked session is refused again.
 */
export const TOKEN_CLOSE_CODE = 4403;
/** setTimeout's limit (~24.8 days); a token living longer is re-checked when that timer fires. */
const MAX_TIMER_MS = 2_147_483_647;

export function createSocketRegistry(pubsub: CrmPubSub) {
  const bySession = new Map<string, Set<WebSocket>>();
  const byUser = new Map<string, Set<WebSocket>>();
  const add = (map: Map<string, Set<WebSocket>>, key: string, socket: WebSocket) => {
    const set = map.get(key) ?? new Set();
    set.add(socket);
    map.set(key, set);
  };
  const remove = (map: Map<string, Set<WebSocket>>, key: string, socket: WebSocket) => {
    const set = map.get(key);
    set?.delete(socket);
    if (set?.size === 0) map.delete(key);
  };
  const closeAll = (sockets: Iterable<WebSocket> | undefined, reason: string) => {
    for (const socket of [...(sockets ?? [])]) socket.close(TOKEN_CLOSE_CODE, reason.slice(0, 120));
  };

  const events = pubsub.subscribe("auth:revoked");
  void (async () => {
    for await (const event of events) {
      for (const id of event.sessionIds) closeAll(bySession.get(id), `Session ended: ${event.reason}`);
      for (const id of event.userIds) closeAll(byUser.get(id), `Session ended: ${event.reason}`);
    }
  })();

  return {
    /** Tracks an authenticated socket until it closes. */
    track(socket: WebSocket, viewer: Viewer) {
      if (viewer.sessionId) add(bySession, viewer.sessionId, socket);
      add(byUser, viewer.userId, socket);
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        if (!viewer.tokenExpiresAt) return;
        const left = viewer.tokenExpiresAt.getTime() - Date.now();
        if (left <= 0) return socket.close(TOKEN_CLOSE_CODE, "Token expired: reconnect with a fresh token");
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        timer.unref();
      };
      arm();
      socket.once("close", () => {
        clearTimeout(timer);
        if (viewer.sessionId) remove(bySession, viewer.sessionId, socket);
        remove(byUser, viewer.userId, socket);
      });
    },
    async close() {
      await events.return?.();
    },
  };
}
