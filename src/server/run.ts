import { loadConfig } from "../config.js";
import { buildApp } from "./app.js";
import { seedDemo } from "../seed/demo.js";
import { createLogger } from "../observability/logger.js";

/** Builds, seeds (outside production), listens, and drains on SIGTERM. Start-up errors are reported by main.ts. */
const config = loadConfig();
const log = createLogger(config.logLevel);
process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection"));

const app = await buildApp({ config, log });
if (config.seedDemo) {
  // Never in production (config refuses it). The log names the demo login, never a token: logs are shipped and kept.
  log.info("checking for demo data (seeding an empty database takes a few seconds)");
  const { seeded } = await seedDemo(app.services.prisma);
  log.info({ email: "head@demo.example", password: "demo-password" }, seeded ? "seeded demo data; log in with this demo account" : "demo data present");
}
const { url } = await app.start();
log.info({ url }, `CRM GraphQL API on ${url}${config.production ? "" : " (GraphiQL: open it in a browser)"}`);

// SIGTERM from the orchestrator: drain (see App.stop), then exit; a second signal exits at once.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, "draining");
    app.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
