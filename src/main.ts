import { readFileSync } from "node:fs";
import { ConfigError } from "./config.js";
import { nodeVersionProblem } from "./node-version.js";
import { StartupError } from "./startup-error.js";

/**
 * The entry point, for `npm start` (tsx) and `node dist/main.js` alike. It checks the Node version first and
 * turns every start-up problem a person can fix into one clear line on stderr and exit status 1.
 */
const { engines } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { engines: { node: string } };
const tooOld = nodeVersionProblem(process.versions.node, engines.node);
if (tooOld) {
  console.error(`Cannot start: ${tooOld}`);
  process.exit(1);
}

try {
  await import("./server/run.js");
} catch (error) {
  if (error instanceof StartupError || error instanceof ConfigError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
