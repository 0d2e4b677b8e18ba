import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrate.js";
import { provisionOrganization } from "../src/organizations/provision.js";

function runCli(args: string[], env: Record<string, string>, script = "src/scripts/import.ts"): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: { ...process.env, NODE_ENV: "test", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => void (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => void (output += c.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("npm run import", () => {
  it("imports a file into the only organization of the embedded database: dry run first, then for real, with a summary", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crm-import-"));
    const url = `postgresql://localhost/embedded?pglite=${path.join(dir, "pglite")}`;
    const setup = await openDatabase(url);
    await applyMigrations(setup);
    await setup.prisma.$transaction((tx) => provisionOrganization(tx, { name: "CLI Org" }));
    await setup.close();
    const file = path.join(dir, "clients.csv");
    writeFileSync(file, "externalId;name;phone;colour\nC1;Acme;+7 916 000-00-01;red\nC2;;12;blue\n");

    const dry = await runCli(["clients", file, "--dry-run"], { DATABASE_URL: url });
    expect(dry.code).toBe(2); // a row was refused
    expect(dry.output).toContain("Dry run (nothing written): would create 1, update 0, unchanged 0, refused 1 of 2 rows");
    expect(dry.output).toContain("Columns not imported (no matching field): colour");
    expect(dry.output).toContain("line 3, name: is required");
    expect(dry.output).toContain('line 3, phone: "12" is not a valid phone number');

    const real = await runCli(["clients", file], { DATABASE_URL: url });
    expect(real.output).toContain("Created 1, updated 0, unchanged 0, refused 1 of 2 rows");
    const again = await runCli(["clients", file], { DATABASE_URL: url });
    expect(again.output).toContain("Created 0, updated 0, unchanged 1, refused 1 of 2 rows");

    const check = await openDatabase(url);
    try {
      expect(await check.prisma.client.findMany({ select: { externalId: true, name: true, phone: true } })).toEqual([{ externalId: "C1", name: "Acme", phone: "+79160000001" }]);
    } finally {
      await check.close();
    }
    const exported = await runCli(["clients"], { DATABASE_URL: url }, "src/scripts/export.ts");
    expect(exported.code).toBe(0);
    expect(exported.output.split("\n")[1]).toBe("C1,Acme,COMPANY,,+79160000001,,,,,,,,");
    writeFileSync(path.join(dir, "orders.csv"), "clientExternalId,number,amount,paidAt\nC1,7,99.9,2024-03-01\n");
    expect((await runCli(["orders", path.join(dir, "orders.csv")], { DATABASE_URL: url })).output).toContain("Created 1, updated 0, unchanged 0, refused 0 of 1 rows");
    const orders = await runCli(["orders"], { DATABASE_URL: url }, "src/scripts/export.ts");
    expect(orders.output.split("\n")[1]).toMatch(/^[0-9a-f-]{36},C1,7,99.90,,2024-03-01T00:00:00.000Z,,$/);
    expect((await runCli(["deals"], { DATABASE_URL: url }, "src/scripts/export.ts")).output).toContain("usage: npm run export -- <clients|contacts|orders>");
    const usage = await runCli(["deals"], { DATABASE_URL: url });
    expect(usage.code).toBe(1);
    expect(usage.output).toContain("usage: npm run import -- <clients|contacts|orders> <file.csv>");
  });
});
