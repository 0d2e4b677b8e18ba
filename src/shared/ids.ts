import { decodeId } from "../graphql/global-id.js";
import { ValidationError } from "../graphql/errors.js";

/** Decodes a global id and checks its type; a wrong type is a validation error on that input field. */
export function idOf(globalId: string, typename: string, field: string): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeId(globalId);
  } catch {
    throw ValidationError.field(field, "is not a valid id");
  }
  if (decoded.typename !== typename) throw ValidationError.field(field, `must be a ${typename} id`);
  return decoded.id;
}

export function optionalIdOf(globalId: string | null | undefined, typename: string, field: string): string | null | undefined {
  if (globalId === undefined) return undefined;
  if (globalId === null) return null;
  return idOf(globalId, typename, field);
}
