import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type Logger } from "pino";

export type { Logger };

/** What every log line written while serving one HTTP request carries. */
export interface RequestScope {
  requestId: string;
  clientIp: string | undefined;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** JSON lines on stdout; lines written inside a request get its id without passing a logger around. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "crm-api" },
    mixin: () => {
      const scope = requestScope.getStore();
      return scope ? { requestId: scope.requestId } : {};
    },
  });
}
