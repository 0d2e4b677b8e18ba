import type { IncomingMessage } from "node:http";

/**
 * The caller's address for per-address limits. X-Forwarded-For is only believed behind a proxy we were told
 * about (TRUST_PROXY), and then only its last entry, the one our proxy appended: anyone can send the header, and
 * believing the rest would let a client pick its own rate-limit key.
 */
export function clientAddress(req: IncomingMessage | undefined, trustProxy: boolean): string | undefined {
  if (!req) return undefined;
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const last = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").pop()?.trim();
    if (last) return last;
  }
  return req.socket?.remoteAddress;
}
