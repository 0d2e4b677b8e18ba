import { describe, expect, it } from "vitest";
import { checkCriteria, evaluateCriteria, exitCriteriaSchema, parseStoredCriteria, type ClientFacts, type ExitCriterion } from "../../src/pipeline/criteria.js";
import { DEFAULT_STAGES, DEFAULT_STAGES_RU } from "../../src/pipeline/default-template.js";
import { nextStage, planMove, type StageInfo } from "../../src/pipeline/transitions.js";

const entered = new Date("2026-03-01T10:00:00Z");

function facts(overrides: Partial<ClientFacts> = {}): ClientFacts {
  return {
    card: {
      name: "Acme", website: null, phone: null, email: null, businessDescription: null, targetAudience: null,
      competitors: null, problemsFound: null, proposedSolutions: null,
    },
    customFields: {},
    decisionMakers: [],
    activitiesSinceEntry: [],
    openTasks: [],
    paidOrders: [],
    stageEnteredAt: entered,
    hasAccountManager: false,
    ...overrides,
  };
}

const rule = (value: unknown): ExitCriterion => exitCriteriaSchema.parse([value])[0]!;
const ids = (rules: ExitCriterion[], f: ClientFacts) => evaluateCriteria(rules, f).map((u) => u.key);

describe("criteria engine: FIELD_FILLED", () => {
  const website = rule({ kind: "FIELD_FILLED", key: "w", field: "website" });
  it("is unmet for null, empty and whitespace-only values, met for text", () => {
    expect(evaluateCriteria([website], facts())).toEqual([{ key: "w", kind: "FIELD_FILLED", message: "Website must be filled in", field: "website" }]);
    expect(ids([website], facts({ card: { ...facts().card, website: "   " } }))).toEqual(["w"]);
    expect(ids([website], facts({ card: { ...facts().card, website: "https://acme.test" } }))).toEqual([]);
  });
  it("uses the admin's message when given", () => {
    const custom = rule({ kind: "FIELD_FILLED", key: "w", field: "website", message: "Find their site" });
    expect(evaluateCriteria([custom], facts())[0]!.message).toBe("Find their site");
  });
});

describe("criteria engine: CUSTOM_FIELD_FILLED", () => {
  const budget = rule({ kind: "CUSTOM_FIELD_FILLED", key: "b", customFieldKey: "budget" });
  it("treats missing, null, empty string and empty list as unfilled; false and 0 are values", () => {
    for (const value of [undefined, null, "", []]) expect(ids([budget], facts({ customFields: { budget: value } }))).toEqual(["b"]);
    for (const value of [0, false, "x", ["a"]]) expect(ids([budget], facts({ customFields: { budget: value } }))).toEqual([]);
    expect(evaluateCriteria([budget], facts())[0]!.field).toBe("customFields.budget");
  });
});

describe("criteria engine: DECISION_MAKERS_WITH_DIRECT_PHONE", () => {
  const two = rule({ kind: "DECISION_MAKERS_WITH_DIRECT_PHONE", key: "dm", minCount: 2 });
  const ivan = { contactId: "c1", fullName: "Ivan Petrov", directPhone: "+79161234567" };
  it("counts distinct contacts with a full name and a direct phone", () => {
    expect(ids([two], facts({ decisionMakers: [ivan] }))).toEqual(["dm"]);
    expect(ids([two], facts({ decisionMakers: [ivan, { ...ivan }] }))).toEqual(["dm"]); // same contact twice counts once
    expect(ids([two], facts({ decisionMakers: [ivan, { contactId: "c2", fullName: "Anna Sidorova", directPhone: "+79161234568" }] }))).toEqual([]);
  });
  it("ignores decision-makers without a direct phone or with only a first name, unless full names are not required", () => {
    const one = rule({ kind: "DECISION_MAKERS_WITH_DIRECT_PHONE", key: "dm", minCount: 1 });
    expect(ids([one], facts({ decisionMakers: [{ ...ivan, directPhone: null }] }))).toEqual(["dm"]);
    expect(ids([one], facts({ decisionMakers: [{ ...ivan, fullName: "Ivan" }] }))).toEqual(["dm"]);
    const lenient = rule({ kind: "DECISION_MAKERS_WITH_DIRECT_PHONE", key: "dm", minCount: 1, requireFullName: false });
    expect(ids([lenient], facts({ decisionMakers: [{ ...ivan, fullName: "Ivan" }] }))).toEqual([]);
  });
  it("says how many were found", () => {
    expect(evaluateCriteria([two], facts({ decisionMakers: [ivan] }))[0]!.message).toBe(
      "2 decision-makers with a full name and a direct phone must be recorded (found 1)",
    );
  });
});

describe("criteria engine: ACTIVITY_SINCE_STAGE_ENTRY", () => {
  const interest = rule({ kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "i", activityTypes: ["CALL", "MEETING"], outcome: "INTERESTED" });
  it("needs one of the types with the typed outcome", () => {
    expect(ids([interest], facts({ activitiesSinceEntry: [{ type: "CALL", outcome: "NO_ANSWER" }] }))).toEqual(["i"]);
    expect(ids([interest], facts({ activitiesSinceEntry: [{ type: "CALL", outcome: null }] }))).toEqual(["i"]);
    expect(ids([interest], facts({ activitiesSinceEntry: [{ type: "EMAIL", outcome: "INTERESTED" }] }))).toEqual(["i"]);
    expect(ids([interest], facts({ activitiesSinceEntry: [{ type: "MEETING", outcome: "INTERESTED" }] }))).toEqual([]);
  });
  it("refers to the outcome enum: free text is refused", () => {
    expect(exitCriteriaSchema.safeParse([{ kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "i", activityTypes: ["CALL"], outcome: "interested" }]).success).toBe(false);
    expect(evaluateCriteria([interest], facts())[0]!.message).toBe("An activity of type CALL or MEETING with outcome INTERESTED must be logged since entering the stage");
  });
  it("without an outcome any activity of the type counts", () => {
    const agreed = rule({ kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "a", activityTypes: ["VERBAL_AGREEMENT"] });
    expect(ids([agreed], facts({ activitiesSinceEntry: [{ type: "VERBAL_AGREEMENT", outcome: null }] }))).toEqual([]);
    expect(evaluateCriteria([agreed], facts())[0]).toMatchObject({ field: "activities", message: "An activity of type VERBAL_AGREEMENT must be logged since entering the stage" });
  });
});

describe("criteria engine: OPEN_TASK_WITH_DUE_TIME", () => {
  const meeting = rule({ kind: "OPEN_TASK_WITH_DUE_TIME", key: "t", taskType: "MEETING" });
  it("needs an open task of the type with a due time", () => {
    expect(ids([meeting], facts({ openTasks: [{ type: "CALL", dueAt: entered }] }))).toEqual(["t"]);
    expect(ids([meeting], facts({ openTasks: [{ type: "MEETING", dueAt: null }] }))).toEqual(["t"]);
    expect(ids([meeting], facts({ openTasks: [{ type: "MEETING", dueAt: entered }] }))).toEqual([]);
  });
});

describe("criteria engine: ORDER_PAID", () => {
  it("any paid order by default; with sinceStageEntry only those paid after entering", () => {
    const paid = rule({ kind: "ORDER_PAID", key: "p" });
    const recent = rule({ kind: "ORDER_PAID", key: "r", sinceStageEntry: true });
    const old = { paidAt: new Date("2025-01-01T00:00:00Z") };
    expect(ids([paid, recent], facts())).toEqual(["p", "r"]);
    expect(ids([paid, recent], facts({ paidOrders: [old] }))).toEqual(["r"]);
    expect(ids([paid, recent], facts({ paidOrders: [old, { paidAt: new Date("2026-03-02T00:00:00Z") }] }))).toEqual([]);
  });
});

describe("criteria engine: ACCOUNT_MANAGER_ASSIGNED", () => {
  it("holds once the client is handed over to an active account manager", () => {
    const handOver = rule({ kind: "ACCOUNT_MANAGER_ASSIGNED", key: "h" });
    expect(evaluateCriteria([handOver], facts())).toEqual([
      { key: "h", kind: "ACCOUNT_MANAGER_ASSIGNED", message: "The client must be handed over to an account manager", field: "accountManager" },
    ]);
    expect(ids([handOver], facts({ hasAccountManager: true }))).toEqual([]);
  });
  it("the default Closing stage needs the contract, a payment since entering Closing, and the hand-over", () => {
    for (const template of [DEFAULT_STAGES, DEFAULT_STAGES_RU]) {
      const closing = template.find((s) => s.key === "closing")!.exitCriteria;
      expect(closing).toEqual([
        { kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "closing.contract_signed", activityTypes: ["CONTRACT_SIGNED"] },
        { kind: "ORDER_PAID", key: "closing.order_paid", sinceStageEntry: true },
        { kind: "ACCOUNT_MANAGER_ASSIGNED", key: "closing.account_manager" },
      ]);
    }
  });
});

describe("criteria engine: checklist and validation", () => {
  it("checkCriteria reports every rule in order with met flags", () => {
    const rules = exitCriteriaSchema.parse([
      { kind: "FIELD_FILLED", key: "n", field: "name" },
      { kind: "FIELD_FILLED", key: "p", field: "phone" },
    ]);
    expect(checkCriteria(rules, facts()).map((c) => [c.key, c.met])).toEqual([["n", true], ["p", false]]);
  });

  it("rejects unknown kinds, unknown fields, missing parameters, extra keys and duplicate ids, with paths", () => {
    const issues = (value: unknown) => {
      const result = exitCriteriaSchema.safeParse(value);
      return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
    };
    expect(issues([{ kind: "RUN_CODE", key: "x" }])).toEqual(["0.kind"]);
    expect(issues([{ kind: "FIELD_FILLED", key: "x", field: "passwordHash" }])).toEqual(["0.field"]);
    expect(issues([{ kind: "DECISION_MAKERS_WITH_DIRECT_PHONE", key: "x" }])).toEqual(["0.minCount"]);
    expect(issues([{ kind: "ORDER_PAID", key: "x", code: "return true" }])).toEqual(["0"]);
    expect(issues([{ kind: "ORDER_PAID", key: "x" }, { kind: "ORDER_PAID", key: "x" }])).toEqual(["1.key"]);
    expect(issues([{ kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "x", activityTypes: [] }])).toEqual(["0.activityTypes"]);
  });

  it("refuses corrupted stored criteria instead of letting them pass", () => {
    expect(() => parseStoredCriteria([{ kind: "FIELD_FILLED" }], "s1")).toThrow(/Stage s1 has invalid exit criteria/);
    expect(parseStoredCriteria(null, "s1")).toEqual([]);
  });

  it("the default templates' criteria are valid and identical in both languages", () => {
    for (const stage of [...DEFAULT_STAGES, ...DEFAULT_STAGES_RU]) expect(exitCriteriaSchema.parse(stage.exitCriteria)).toEqual(stage.exitCriteria);
    expect(DEFAULT_STAGES_RU.map((s) => s.exitCriteria)).toEqual(DEFAULT_STAGES.map((s) => s.exitCriteria));
    expect(DEFAULT_STAGES_RU.map((s) => s.name)).toEqual([
      "Объект", "Разработка лида", "Контакт/ заинтересовать", "Подготовка ко встрече", "Встреча", "Дожатие сделки",
      "Успешно реализовано", "Закрыто не реализовано", "Отложено",
    ]);
  });
});

describe("transition rules", () => {
  const stages: StageInfo[] = DEFAULT_STAGES.map((s, position) => ({
    id: s.key, pipelineId: "p", name: s.name, kind: s.kind, position, exitCriteria: s.exitCriteria,
  }));
  const at = (key: string) => stages.find((s) => s.id === key)!;
  const checked = (from: string | null, to: string) => {
    const plan = planMove(from ? at(from) : null, at(to), stages);
    return plan.allowed ? [plan.direction, plan.stagesToCheck.map((s) => s.id), plan.reasonKind] : ["REFUSED", plan.message];
  };

  it("forward checks the current and every skipped stage; backward checks nothing", () => {
    expect(checked("object", "lead_development")).toEqual(["FORWARD", ["object"], null]);
    expect(checked("contact_interest", "closing")).toEqual(["FORWARD", ["contact_interest", "meeting_preparation", "meeting"], null]);
    expect(checked("closing", "won")).toEqual(["FORWARD", ["closing"], null]);
    expect(checked("meeting", "object")).toEqual(["BACKWARD", [], null]);
  });

  it("Lost and Postponed need a reason of their kind from anywhere", () => {
    expect(checked("object", "lost")).toEqual(["PARK", [], "LOST"]);
    expect(checked("won", "postponed")).toEqual(["PARK", [], "POSTPONED"]);
    expect(checked("lost", "postponed")).toEqual(["PARK", [], "POSTPONED"]);
  });

  it("Postponed and Lost return to any active stage freely but never straight to Won; Won reopens freely", () => {
    expect(checked("postponed", "closing")).toEqual(["RETURN", [], null]);
    expect(checked("lost", "object")).toEqual(["RETURN", [], null]);
    expect(checked("postponed", "won")[0]).toBe("REFUSED");
    expect(checked("won", "meeting")).toEqual(["REOPEN", [], null]);
  });

  it("entering a pipeline checks every stage before the target; the same stage is refused", () => {
    expect(checked(null, "object")).toEqual(["ENTER", [], null]);
    expect(checked(null, "meeting_preparation")).toEqual(["ENTER", ["object", "lead_development", "contact_interest"], null]);
    expect(checked("meeting", "meeting")).toEqual(["REFUSED", "The client is already in this stage"]);
  });

  it("the next stage of an active stage is the following active or won stage", () => {
    expect(nextStage(at("closing"), stages)?.id).toBe("won");
    expect(nextStage(at("won"), stages)).toBeNull();
  });
});
