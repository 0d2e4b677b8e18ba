import { NotFoundError, VersionConflictError } from "../graphql/errors.js";
import { encodeId } from "../graphql/global-id.js";

export interface VersionedWrite<Row extends { version: number }> {
  /** The node type, for the error's global id. */
  entity: string;
  id: string;
  expectedVersion: number;
  /** An updateMany/deleteMany whose where holds `version: expectedVersion` and the caller's organization, and that bumps the version. */
  write: () => Promise<{ count: number }>;
  /** Re-reads the row, in the same scope, after the write matched nothing. */
  reread: () => Promise<Row | null>;
  /** The version still matches, so another condition of the write's where failed (e.g. the task is closed): say which. */
  otherwise?: (row: Row) => Error;
}

/**
 * The one optimistic-concurrency mechanism: a row changes only if its version is still the one the caller
 * read. When nothing matched, the caller learns why, as a typed error: the row is gone (or another
 * organization's, which looks the same), someone else changed it first, or a state guard refused.
 */
export async function compareAndSet<Row extends { version: number }>(w: VersionedWrite<Row>): Promise<void> {
  const { count } = await w.write();
  if (count > 0) return;
  const current = await w.reread();
  if (!current) throw new NotFoundError(w.entity, encodeId(w.entity, w.id));
  if (current.version === w.expectedVersion && w.otherwise) throw w.otherwise(current);
  throw new VersionConflictError(w.entity, encodeId(w.entity, w.id), w.expectedVersion, current.version);
}
