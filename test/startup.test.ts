import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, runApiUntilExit, spawnApi } from "./helpers/processes.js";

/** What a person sees when the API cannot start: one line naming the problem, no stack trace, exit status 1. */
function expectClearRefusal(result: { code: number | null; output: string }, message: string | RegExp) {
  expect(result.code, result.output).toBe(1);
  expect(result.output).toMatch(typeof message === "string" ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : message);
  expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
}

const MEMORY_DB = "postgresql://localhost/startup?pglite=memory:";

describe("start-up refuses clearly", () => {
  it("an invalid environment variable is named, whatever else is fine", async () => {
    const result = await runApiUntilExit({ DATABASE_URL: MEMORY_DB, SEED_DEMO: "maybe", PORT: "http" });
    expectClearRefusal(result, "Cannot start: Invalid environment:");
    expect(result.output).toContain('SEED_DEMO: must be one of 0, 1, false, true (got "maybe")');
    expect(result.output).toContain('PORT: must be a number (got "http")');
  });

  it("a non-PostgreSQL DATABASE_URL", async () => {
    expectClearRefusal(await runApiUntilExit({ DATABASE_URL: "mysql://root@127.0.0.1/crm" }), "DATABASE_URL: must be a PostgreSQL URL");
  });

  it("a port in use", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      expectClearRefusal(await runApiUntilExit({ DATABASE_URL: MEMORY_DB, PORT: String(port) }), `Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("an unreachable database, after retrying with back-off for the configured time", async () => {
    const port = await freePort(); // nothing listens there
    const result = await runApiUntilExit({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/crm`, DATABASE_WAIT_MS: "1500" });
    expectClearRefusal(result, new RegExp(`Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} after [2-9] attempts`));
    expect(result.output).toContain("is not reachable yet; retrying");
  });

  it("production refuses demo data and never logs a token", async () => {
    const prod = { NODE_ENV: "production", JWT_SECRET: "p".repeat(40), DATABASE_URL: MEMORY_DB };
    expectClearRefusal(await runApiUntilExit({ ...prod, SEED_DEMO: "true" }), "SEED_DEMO: demo data (an ADMIN with a published password) is never seeded in production");
    const dev = await spawnApi({ DATABASE_URL: MEMORY_DB, SEED_DEMO: "1" });
    try {
      const output = dev.output();
      expect(output).toContain("seeded demo data");
      // Long steps say what they do: each migration, then the seeding.
      expect(output).toMatch(/applying migration 1\/\d+: 20261124000000_init/);
      expect(output).toContain("checking for demo data (seeding an empty database takes a few seconds)");
      expect(output).not.toMatch(/"token"|eyJ[\w-]+\.eyJ/); // no JWT in the log, even outside production
    } finally {
      await dev.kill("SIGTERM");
    }
  });
});

describe("the embedded database serves one process", () => {
  it("a second process on the same data directory refuses to start; the first keeps serving; after it stops, the directory is free", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "crm-lock-")), "pglite");
    const env = { DATABASE_URL: `postgresql://localhost/embedded?pglite=${dir}` };
    const first = await spawnApi(env);
    try {
      expectClearRefusal(await runApiUntilExit(env), `The embedded database in ${dir} is in use by another process`);
      expect((await fetch(first.url.replace("/graphql", "/readyz"))).status).toBe(200);
    } finally {
      await first.kill("SIGTERM");
    }
    const again = await spawnApi(env);
    await again.kill("SIGTERM");
  });
});

describe("signals reach the server however it is started", () => {
  const started = (command: string, args: string[], env: Record<string, string>) => {
    const child = spawn(command, args, { cwd: process.cwd(), env: { ...process.env, NODE_ENV: "test", SEED_DEMO: "0", LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => void (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => void (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, exited, output: () => output };
  };
  const untilListening = async (api: ReturnType<typeof started>) => {
    for (let i = 0; i < 600 && !/CRM GraphQL API on/.test(api.output()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(api.output()).toMatch(/CRM GraphQL API on/);
  };

  it("SIGTERM to `npm start` drains and stops the server, not just npm", async () => {
    const port = await freePort();
    const api = started("npm", ["start"], { DATABASE_URL: MEMORY_DB, PORT: String(port) });
    await untilListening(api);
    api.child.kill("SIGTERM");
    expect(await api.exited).toBe(0);
    expect(api.output()).toContain('"msg":"draining"');
    await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow(); // nothing listens any more
  });

  // CI builds first (.ci/run sets CI); locally it runs once `npm run build` has.
  it.runIf(existsSync("dist/main.js") || process.env.CI)("the production build runs on plain node and stops on SIGTERM (CI runs `npm run build` first)", async () => {
    const port = await freePort();
    const api = started(process.execPath, ["dist/main.js"], { DATABASE_URL: MEMORY_DB, PORT: String(port) });
    await untilListening(api);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    api.child.kill("SIGTERM");
    expect(await api.exited).toBe(0);
  });
});
