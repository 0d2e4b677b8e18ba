import { loadConfig } from "./config.js";
import { buildApp } from "./server/app.js";
import { seedDemo } from "./seed/demo.js";
import { issueToken } from "./auth/tokens.js";

const config = loadConfig();
const app = await buildApp({ config });
if (config.seedDemo) {
  const prisma = app.services.prisma;
  const { seeded, headUserId } = await seedDemo(prisma);
  const head = await prisma.user.findUniqueOrThrow({ where: { id: headUserId } });
  const token = await issueToken(config.jwt, { userId: head.id, organizationId: head.organizationId, role: head.role });
  console.log(seeded ? "Seeded demo data." : "Demo data present.");
  console.log(`Demo token (${head.email}, HEAD_OF_SALES; password demo-password):\n${token}\n`);
}
const { url } = await app.start();
console.log(`CRM GraphQL API on ${url}${config.production ? "" : " (GraphiQL: open it in a browser)"}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining...`);
    app.stop().then(() => process.exit(0), (error) => {
      console.error(error);
      process.exit(1);
    });
  });
}
