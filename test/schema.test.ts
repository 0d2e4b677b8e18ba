import { readFileSync } from "node:fs";
import { buildSchema, getNamedType, isObjectType, Kind, parse, TypeInfo, validate, visit, visitWithTypeInfo, type GraphQLObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { renderSchema } from "../src/scripts/print-schema.js";

/** The committed schema, parsed once for every check below. */
const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
const schema = buildSchema(committed);

describe("schema.graphql", () => {
  it("is up to date with the Pothos schema (run `npm run schema:print`)", () => {
    expect(committed).toBe(renderSchema());
  });
});

describe("typed where it used to be loosely typed (#13)", () => {
  const typeOf = (type: string, field: string) => {
    const t = schema.getType(type);
    if (!t || !("getFields" in t)) throw new Error(`no type ${type}`);
    const f = (t.getFields() as Record<string, { type: unknown }>)[field];
    return f ? String(f.type) : undefined;
  };
  it("uses enums and DateTime, one word for reasons, and global ids", () => {
    expect(typeOf("Client", "abcClass")).toBe("AbcClass");
    expect(typeOf("ClientFilter", "abcClass")).toBe("AbcClass");
    expect(typeOf("AbcClassSize", "class")).toBe("AbcClass!");
    expect(typeOf("ReactivationSettings", "assignTo")).toBe("ReactivationAssignTo!");
    expect(typeOf("UpdateReactivationSettingsInput", "assignTo")).toBe("ReactivationAssignTo");
    expect(typeOf("ReactivationSettings", "lastSweepAt")).toBe("DateTime");
    expect(typeOf("OpenTaskWithDueTimeCriterion", "taskType")).toBe("TaskType!");
    expect(typeOf("ExitCriterionInput", "taskType")).toBe("TaskType");
    expect(typeOf("ActivitySinceStageEntryCriterion", "outcome")).toBe("ActivityOutcome");
    expect(typeOf("Activity", "outcome")).toBe("ActivityOutcome");
    expect(typeOf("LogActivityInput", "outcome")).toBe("ActivityOutcome");
    expect(typeOf("RecordReactivationCallInput", "reasonId")).toBe("ID");
    expect(typeOf("RecordReactivationCallInput", "churnReasonKey")).toBeUndefined();
    expect(typeOf("MoveClientToStageInput", "reasonId")).toBe("ID");
    expect(typeOf("ReactivationEntry", "churnReason")).toBe("Reason");
    expect(typeOf("ReactivationEntry", "task")).toBe("Task");
    expect(typeOf("Mutation", "recordInboundCall")).toBe("RecordInboundCallResult!");
    expect(typeOf("Contact", "employments")).toBe("ContactEmploymentsConnection!");
  });
});

describe("ids client caches can trust (#14)", () => {
  it("every object with an `id` is a Node, or one per organization (settings), or one per event; criteria have keys", () => {
    // Not Nodes, but still globally unique: one settings object per organization; a reminder per task firing;
    // StageRef carries the Stage's own global id inside errors.
    const allowed = new Set(["AbcSettings", "ReactivationSettings", "ReminderSettings", "Reminder", "StageRef"]);
    const offenders = Object.values(schema.getTypeMap())
      .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__") && "id" in t.getFields())
      .filter((t) => !t.getInterfaces().some((i) => i.name === "Node") && !allowed.has(t.name))
      .map((t) => t.name);
    expect(offenders).toEqual([]);
    for (const name of ["CriterionCheck", "UnmetCriterion", "FieldFilledCriterion", "NotFoundError", "VersionConflictError"]) {
      expect(Object.keys((schema.getType(name) as GraphQLObjectType).getFields()), name).not.toContain("id");
    }
    expect((schema.getType("Organization") as GraphQLObjectType).getInterfaces().map((i) => i.name)).toEqual(["Node"]);
  });
});

describe("README examples", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const operations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.replace(/#.*$/gm, "").split(/\n(?=query|mutation|subscription)/))
    .map((op) => op.trim())
    .filter(Boolean);

  it("are valid against the schema, and select `id` on every Node so client caches normalise them", () => {
    expect(operations.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const op of operations) {
      const document = parse(op);
      for (const error of validate(schema, document)) problems.push(`${op.slice(0, 60)}…: ${error.message}`);
      const typeInfo = new TypeInfo(schema);
      visit(document, visitWithTypeInfo(typeInfo, {
        SelectionSet(node) {
          const type = getNamedType(typeInfo.getType());
          if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === "Node")) return;
          if (!node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "id")) problems.push(`${op.slice(0, 60)}…: ${type.name} without id`);
        },
      }));
    }
    expect(problems).toEqual([]);
  });
});

describe("descriptions", () => {
  it("every type, field, argument and enum value is described (graphql-eslint require-description agrees in CI)", async () => {
    const { schema: built } = await import("../src/schema.js");
    const { referenceDocProblems, schemaElements } = await import("../src/graphql/describe-generated.js");
    const undocumented = [...schemaElements(built).entries()].filter(([, element]) => !element.description).map(([key]) => key);
    expect(undocumented).toEqual([]);
    expect(referenceDocProblems).toEqual([]); // src/graphql/reference-docs.ts names only real, otherwise undescribed elements
  });
});

describe("typed README operations (GraphQL Code Generator)", () => {
  it("examples/readme/operations.graphql is what `npm run codegen` extracts from README.md", async () => {
    const { readmeOperations } = await import("../src/scripts/readme-operations.js");
    const committed = readFileSync(new URL("../examples/readme/operations.graphql", import.meta.url), "utf8");
    expect(committed).toBe(readmeOperations(readFileSync(new URL("../README.md", import.meta.url), "utf8")));
  });
});
