import type { Viewer } from "../auth/tokens.js";
import { ForbiddenError } from "../graphql/errors.js";

/** Heads of sales and admins see and change everything in their organization. */
export function isSupervisor(viewer: Viewer): boolean {
  return viewer.role === "ADMIN" || viewer.role === "HEAD_OF_SALES";
}

/** Managers change the clients they own or that nobody owns. */
export function canEditClient(viewer: Viewer, client: { ownerId: string | null }): boolean {
  return isSupervisor(viewer) || client.ownerId === null || client.ownerId === viewer.userId;
}

export function assertCanEditClient(viewer: Viewer, client: { ownerId: string | null }): void {
  if (!canEditClient(viewer, client)) throw new ForbiddenError("Only the owner or a head of sales can change this client");
}
