import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * Webhook URLs are typed by admins, so a URL could point the server at its own network (metadata services,
 * databases on localhost). Every address the host resolves to must be public unicast, unless the deployment allows
 * private ranges (WEBHOOK_ALLOW_PRIVATE_ADDRESSES, for tests and intranet receivers). Returns why not, or null.
 */
export async function refusedAddress(url: URL, allowPrivate: boolean): Promise<string | null> {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "only http(s) URLs can receive webhooks";
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `${host} does not resolve`;
  }
  for (const address of addresses) {
    const parsed = ipaddr.process(address);
    if (parsed.range() !== "unicast") return `${host} resolves to ${address} (${parsed.range()}), which is not a public address`;
  }
  return null;
}
