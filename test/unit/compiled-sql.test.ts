import { describe, expect, it } from "vitest";
import { modelMeta, relationJoin } from "../../src/compiled-reads/model-meta.js";
import { NotCompilable, SqlParams, cursorSql, orderColumns, orderSql, whereSql } from "../../src/compiled-reads/sql.js";

const client = modelMeta("Client")!;
const task = modelMeta("Task")!;

describe("Prisma where → SQL", () => {
  it("translates equality, nulls, ranges, lists and case-insensitive search with parameters", () => {
    const params = new SqlParams();
    const sql = whereSql(client, "c", {
      organizationId: "org",
      ownerId: null,
      OR: [{ name: { contains: "50%", mode: "insensitive" } }, { email: { startsWith: "a" } }],
      kind: { in: ["COMPANY"] },
      stageEnteredAt: { gte: new Date("2026-01-02T03:04:05.678Z"), not: null },
    }, params);
    expect(sql).toBe(
      `c."organizationId" = $1 AND c."ownerId" IS NULL AND ((c."name" ILIKE $2) OR (c."email" LIKE $3)) AND c."kind" = ANY($4) ` +
        `AND c."stageEnteredAt" >= $5 AND c."stageEnteredAt" IS NOT NULL`,
    );
    // Like Prisma: the search term is not escaped; dates are UTC wall time for timestamp(3) columns.
    expect(params.values).toEqual(["org", "%50%%", "a%", ["COMPANY"], "2026-01-02T03:04:05.678"]);
  });

  it("an empty where is TRUE, an empty OR is FALSE, undefined keys are ignored", () => {
    expect(whereSql(client, "c", {}, new SqlParams())).toBe("TRUE");
    expect(whereSql(client, "c", { OR: [] }, new SqlParams())).toBe("FALSE");
    expect(whereSql(client, "c", { name: undefined }, new SqlParams())).toBe("TRUE");
  });

  it("declines what it does not know rather than guessing", () => {
    for (const where of [{ owner: { name: "x" } }, { name: { not: "x" } }, { customFields: { equals: {} } }, { name: { equals: "x", mode: "insensitive" } }]) {
      expect(() => whereSql(client, "c", where, new SqlParams())).toThrow(NotCompilable);
    }
  });
});

describe("order and cursor", () => {
  it("orders with explicit nulls placement and appends nothing of its own", () => {
    const order = orderColumns(client, [{ stageEnteredAt: { sort: "desc", nulls: "first" } }, { id: "desc" }]);
    expect(orderSql("c", order)).toBe(`c."stageEnteredAt" DESC NULLS FIRST, c."id" DESC`);
  });

  it("reproduces Prisma's cursor terms: required columns compare plainly, nullable ones let NULL through", () => {
    const params = new SqlParams();
    const required = cursorSql(task, "t", orderColumns(task, [{ dueAt: "asc" }, { id: "asc" }]), { id: "x" }, params);
    expect(required).toBe(
      `((t."dueAt" = (SELECT cur."dueAt" FROM "Task" cur WHERE cur."id" = $1) AND t."id" >= (SELECT cur."id" FROM "Task" cur WHERE cur."id" = $2)) ` +
        `OR (t."dueAt" > (SELECT cur."dueAt" FROM "Task" cur WHERE cur."id" = $3)))`,
    );
    const nullable = cursorSql(client, "c", orderColumns(client, [{ stageEnteredAt: "desc" }, { id: "desc" }]), { id: "x" }, new SqlParams());
    expect(nullable).toContain(`(c."stageEnteredAt" < (SELECT cur."stageEnteredAt" FROM "Client" cur WHERE cur."id" = $3) OR (SELECT`);
    expect(nullable).toContain(`IS NULL OR c."stageEnteredAt" IS NULL)`);
  });

  it("refuses a cursor that is not the last sort column", () => {
    expect(() => cursorSql(task, "t", orderColumns(task, [{ id: "asc" }, { dueAt: "asc" }]), { id: "x" }, new SqlParams())).toThrow(NotCompilable);
  });
});

describe("relation joins from the Prisma datamodel", () => {
  it("finds the foreign key on either side", () => {
    expect(relationJoin(client, "owner")).toMatchObject({ target: { name: "User" }, parentColumn: "ownerId", childColumn: "id" });
    expect(relationJoin(client, "employments")).toMatchObject({ target: { name: "Employment" }, parentColumn: "id", childColumn: "clientId" });
    expect(relationJoin(client, "abcEntries")).toMatchObject({ target: { name: "AbcSnapshotEntry" }, childColumn: "clientId" });
    expect(modelMeta("AbcSnapshotEntry")!.tenant).toBe(false); // no organizationId: never compiled
  });
});
