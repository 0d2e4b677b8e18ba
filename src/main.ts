import { loadConfig } from "./config.js";
import { buildApp } from "./server/app.js";
import { seedDemo } from "./seed/demo.js";
import { issueToken } from "./auth/tokens.js";
import { createLogger } from "./observability/logger.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection"));

const app = await buildApp({ config, log });
if (config.seedDemo) {
  const prisma = app.services.prisma;
  const { seeded, headUserId } = await seedDemo(prisma);
  const head = await prisma.user.findUniqueOrThrow({ where: { id: headUserId } });
  const token = await issueToken(config.jwt, { userId: head.id, organizationId: head.organizationId, role: head.role });
  log.info({ email: head.email, role: "HEAD_OF_SALES", password: "demo-password", token }, seeded ? "seeded demo data" : "demo data present");
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
