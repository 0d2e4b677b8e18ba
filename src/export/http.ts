import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "../context.js";
import { clientWhere } from "../clients/filters.js";
import { bearerToken } from "../auth/authenticate.js";
import { ValidationError } from "../graphql/errors.js";
import { isSupervisor } from "../shared/access.js";
import { sendJson } from "../server/http-handler.js";
import { exportClientsCsv } from "./clients-csv.js";
import { exportContactsCsv } from "./contacts-csv.js";
import { exportOrdersCsv } from "./orders-csv.js";
import type { ExportScope } from "./paged-csv.js";

type ContextFor = (token: string | undefined, clientIp: string | undefined) => Promise<Context>;

/**
 * GET /export/clients.csv, /export/contacts.csv and /export/orders.csv with the bearer token: the caller's
 * organization's records as CSV in the import's format. Clients are filtered like the `clients` query (query string:
 * search, ownerId, stageId, channelId, kind, abcClass, unowned). Managers export only the clients they own, with
 * those clients' people and orders; heads of sales and admins the whole base. Streamed with back-pressure, so a large
 * base never sits in memory.
 */
export function createExportHandler(contextFor: ContextFor) {
  return async (req: IncomingMessage, res: ServerResponse, clientIp: string | undefined): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const kind = /^\/export\/(clients|contacts|orders)\.csv$/.exec(url.pathname)?.[1] as "clients" | "contacts" | "orders" | undefined;
    if (!kind) return sendJson(res, 404, { errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }] });
    if (req.method !== "GET") return sendJson(res, 405, { errors: [{ message: "Use GET", extensions: { code: "METHOD_NOT_ALLOWED" } }] });
    let ctx: Context;
    try {
      ctx = await contextFor(bearerToken(req.headers.authorization), clientIp);
    } catch {
      return sendJson(res, 401, { errors: [{ message: "Unauthenticated: invalid or expired token", extensions: { code: "UNAUTHENTICATED" } }] });
    }
    if (!ctx.viewer) return sendJson(res, 401, { errors: [{ message: "Authentication required", extensions: { code: "UNAUTHENTICATED" } }] });
    const scope: ExportScope = { organizationId: ctx.viewer.organizationId, ...(isSupervisor(ctx.viewer) ? {} : { ownerId: ctx.viewer.userId }) };
    let chunks: AsyncIterable<string>;
    if (kind === "clients") {
      const params = url.searchParams;
      try {
        chunks = exportClientsCsv(ctx.prisma, scope, clientWhere(ctx.viewer.organizationId, {
          search: params.get("search"),
          ownerId: params.get("ownerId"),
          stageId: params.get("stageId"),
          channelId: params.get("channelId"),
          kind: params.get("kind") as "COMPANY" | "PERSON" | null,
          abcClass: params.get("abcClass") as "A" | "B" | "C" | null,
          unowned: params.get("unowned") === "true" ? true : null,
        }));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return sendJson(res, 400, { errors: [{ message: error.message, extensions: { code: "VALIDATION", issues: error.issues } }] });
      }
    } else {
      chunks = kind === "contacts" ? exportContactsCsv(ctx.prisma, scope) : exportOrdersCsv(ctx.prisma, scope);
    }
    res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${kind}.csv"` });
    for await (const chunk of chunks) {
      if (!res.write(chunk)) await once(res, "drain");
    }
    res.end();
  };
}
