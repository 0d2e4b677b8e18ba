import { GraphQLError } from "graphql";

/** Relay global ids: base64url("Type:uuid"). Malformed ids are a clear client error, never a database error. */
export function encodeId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`).toString("base64url");
}

export function decodeId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const sep = decoded.indexOf(":");
  const typename = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  if (sep <= 0 || !/^[A-Za-z]+$/.test(typename) || !UUID.test(id)) {
    throw new GraphQLError(`Malformed id: ${globalId.slice(0, 64)}`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  return { typename, id };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
