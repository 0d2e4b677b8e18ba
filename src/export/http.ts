import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "../context.js";
import { clientWhere } from "../clients/filters.js";
import { bearerToken } from "../auth/authenticate.js";
import { ValidationError } from "../graphql/errors.js";
import { exportClientsCsv } from "./clients-csv.js";

type ContextFor = (token: string | undefined, clientIp: string | undefined) => Promise<Context>;

/**
 * GET /export/clients.csv with the bearer token: the caller's organization's clients as CSV, filtered like the
 * `clients` query (query string: search, ownerId, stageId, channelId, kind, abcClass, unowned). Streamed with
 * back-pressure, so a large base never sits in memory.
 */
export function createExportHandler(contextFor: ContextFor) {
  return async (req: IncomingMessage, res: ServerResponse, clientIp: string | undefined): Promise<void> => {
    let ctx: Context;
    try {
      ctx = await contextFor(bearerToken(req.headers.authorization), clientIp);
    } catch {
      return json(res, 401, { errors: [{ message: "Unauthenticated: invalid or expired token", extensions: { code: "UNAUTHENTICATED" } }] });
    }
    if (!ctx.viewer) return json(res, 401, { errors: [{ message: "Authentication required", extensions: { code: "UNAUTHENTICATED" } }] });
    const params = new URL(req.url ?? "/", "http://localhost").searchParams;
    let where;
    try {
      where = clientWhere(ctx.viewer.organizationId, {
        search: params.get("search"),
        ownerId: params.get("ownerId"),
        stageId: params.get("stageId"),
        channelId: params.get("channelId"),
        kind: params.get("kind") as "COMPANY" | "PERSON" | null,
        abcClass: params.get("abcClass") as "A" | "B" | "C" | null,
        unowned: params.get("unowned") === "true" ? true : null,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return json(res, 400, { errors: [{ message: error.message, extensions: { code: "VALIDATION", issues: error.issues } }] });
    }
    res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="clients.csv"' });
    for await (const chunk of exportClientsCsv(ctx.prisma, { ...where, organizationId: ctx.viewer.organizationId })) {
      if (!res.write(chunk)) await once(res, "drain");
    }
    res.end();
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
