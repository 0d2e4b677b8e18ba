import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config.js";
import { BodyTooLargeError, readBodyWithLimit } from "../limits/body-limit.js";
import { requestScope, type Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { requestIdFrom } from "../observability/request-id.js";
import { clientAddress } from "./client-address.js";
import type { Readiness } from "./health.js";

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;
type Route = "graphql" | "healthz" | "readyz" | "metrics" | "export" | "other";

/**
 * Everything in front of GraphQL: request ids and access logs, metrics, the body size limit, and the
 * operational endpoints (/healthz liveness, /readyz readiness, /metrics for Prometheus).
 */
export function createHttpHandler(deps: {
  config: Config;
  graphqlPath: string;
  graphql: NodeHandler;
  log: Logger;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  /** GET /export/{clients,contacts,orders}.csv (src/export/http.ts). */
  exportRecords: (req: IncomingMessage, res: ServerResponse, clientIp: string | undefined) => Promise<void>;
}): NodeHandler {
  const { config, log, metrics } = deps;

  async function serve(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
    if (route === "healthz") return sendJson(res, 200, { status: "ok" });
    if (route === "readyz") {
      const readiness = await deps.readiness();
      return sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? "ready" : "not ready", checks: readiness.checks });
    }
    if (route === "metrics") return serveMetrics(req, res);
    if (route === "export") return deps.exportRecords(req, res, clientAddress(req, config.trustProxy));
    if (req.method === "POST") {
      try {
        // whatwg-node (under Yoga) takes an already-read body from req.body instead of the stream.
        // A CSV upload (importRecords) may be a whole client base; every other body stays small.
        const multipart = (req.headers["content-type"] ?? "").toLowerCase().startsWith("multipart/form-data");
        (req as IncomingMessage & { body?: Buffer }).body = await readBodyWithLimit(req, multipart ? config.limits.maxUploadBytes : config.limits.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        res.setHeader("connection", "close"); // do not read the rest of an oversized upload
        return sendJson(res, 413, { errors: [{ message: error.message, extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
      }
    }
    await deps.graphql(req, res);
  }

  async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = config.metricsToken;
    // Without a token, metrics are for local development only; in production they need METRICS_TOKEN.
    if (!token && config.production) return sendJson(res, 404, { error: "not found" });
    if (token && !sameSecret(req.headers.authorization ?? "", `Bearer ${token}`)) {
      return sendJson(res, 401, { error: "metrics token required" });
    }
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  }

  return (req, res) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    const clientIp = clientAddress(req, config.trustProxy);
    const route = routeOf(req.url, deps.graphqlPath);
    res.setHeader("x-request-id", requestId);
    const endTimer = metrics.httpDuration.startTimer({ route });
    res.once("finish", () => {
      const seconds = endTimer();
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      if (route === "graphql" || res.statusCode >= 400) {
        // "finish" fires outside the request's async scope, so the id is passed explicitly here.
        log.info({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), ip: clientIp }, "request");
      }
    });
    return requestScope.run({ requestId, clientIp }, () =>
      serve(req, res, route).catch((error: unknown) => {
        log.error({ err: error }, "request failed outside GraphQL");
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Unexpected error." }] });
        else res.destroy();
      }),
    );
  };
}

function routeOf(url: string | undefined, graphqlPath: string): Route {
  const path = (url ?? "/").split("?")[0];
  if (path === graphqlPath) return "graphql";
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path.slice(1) as Route;
  if (path?.startsWith("/export/")) return "export";
  return "other";
}

/** Constant-time, so response timing does not reveal how much of the token was right. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A JSON answer outside GraphQL (probes, limits, the CSV export's errors). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
