import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipelineApi, unmetKeys } from "./helpers/pipeline.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let admin: Awaited<ReturnType<typeof signUpOrg>>;
let api: ReturnType<typeof pipelineApi>;
let stages: Awaited<ReturnType<ReturnType<typeof pipelineApi>["stages"]>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUpOrg(server, "Pipeline Admin Org");
  api = pipelineApi(server, admin.token);
  stages = await api.stages();
});
afterAll(() => server?.stop());

const UPDATE_STAGE = `mutation($input: UpdateStageInput!) { updateStage(input: $input) {
  __typename
  ... on UpdateStagePayload { stage { name version sellerSteps exitCriteria { __typename key kind message
    ... on FieldFilledCriterion { field } ... on CustomFieldFilledCriterion { customFieldKey }
    ... on DecisionMakersWithDirectPhoneCriterion { minCount requireFullName }
    ... on ActivitySinceStageEntryCriterion { activityTypes outcome } ... on OpenTaskWithDueTimeCriterion { taskType }
    ... on OrderPaidCriterion { sinceStageEntry } } } }
  ... on ValidationError { issues { path message } }
  ... on VersionConflictError { currentVersion }
  ... on Error { message }
} }`;

describe("stages and exit criteria, edited by ADMIN", () => {
  it("new organizations get the default criteria as typed data", async () => {
    const data = await api.call(`{ pipelines { stages { key exitCriteria { key kind ... on ActivitySinceStageEntryCriterion { activityTypes outcome } } } } }`);
    const byKey = Object.fromEntries(data.pipelines[0].stages.map((s: any) => [s.key, s.exitCriteria]));
    expect(byKey.object.map((c: any) => c.key)).toEqual(["object.name", "object.website", "object.phone"]);
    expect(byKey.contact_interest).toEqual([{ key: "contact.interest", kind: "ACTIVITY_SINCE_STAGE_ENTRY", activityTypes: ["CALL", "MEETING"], outcome: "INTERESTED" }]);
    expect(byKey.closing.map((c: any) => c.kind)).toEqual(["ACTIVITY_SINCE_STAGE_ENTRY", "ORDER_PAID", "ACCOUNT_MANAGER_ASSIGNED"]);
    for (const key of ["won", "lost", "postponed"]) expect(byKey[key]).toEqual([]);
  });

  it("managers and heads of sales cannot edit stages", async () => {
    for (const role of ["MANAGER", "HEAD_OF_SALES"] as const) {
      const user = await addUser(server, admin.token, role);
      const res = await api.call(UPDATE_STAGE, { input: { id: stages.object!.id, expectedVersion: 1, name: "Hacked" } }, user.token);
      expect(res.updateStage.__typename).toBe("ForbiddenError");
    }
    expect((await api.stages()).object!.name).toBe("Object");
  });

  it("invalid criteria are refused with paths; nothing is stored", async () => {
    const res = await api.call(UPDATE_STAGE, {
      input: {
        id: stages.meeting!.id,
        expectedVersion: 1,
        exitCriteria: [
          { key: "ok", kind: "FIELD_FILLED", field: "EMAIL" },
          { key: "no count", kind: "DECISION_MAKERS_WITH_DIRECT_PHONE" },
          { key: "task", kind: "OPEN_TASK_WITH_DUE_TIME" },
        ],
      },
    });
    expect(res.updateStage.__typename).toBe("ValidationError");
    expect(res.updateStage.issues.map((i: any) => i.path.join("."))).toEqual([
      "input.exitCriteria.1.key", "input.exitCriteria.1.minCount", "input.exitCriteria.2.taskType",
    ]);
    const unknownField = await api.call(UPDATE_STAGE, {
      input: { id: stages.meeting!.id, expectedVersion: 1, exitCriteria: [{ key: "budget", kind: "CUSTOM_FIELD_FILLED", customFieldKey: "budget" }] },
    });
    expect(unknownField.updateStage.issues).toEqual([{ path: ["input", "exitCriteria", "0", "customFieldKey"], message: "\"budget\" is not a custom client field of your organization" }]);
    const onWon = await api.call(UPDATE_STAGE, { input: { id: stages.won!.id, expectedVersion: 1, exitCriteria: [{ key: "x", kind: "ORDER_PAID" }] } });
    expect(onWon.updateStage.issues[0].path).toEqual(["input", "exitCriteria"]);
    expect((await api.stages()).meeting!.version).toBe(1);
  });

  it("ADMIN replaces criteria and texts; the next move is judged by the new rules; a stale version conflicts", async () => {
    const defined = await api.call(`mutation { defineCustomField(input: { entity: CLIENT, key: "budget", label: "Budget", type: NUMBER }) { __typename ... on Error { message } } }`);
    expect(defined.defineCustomField.__typename).toBe("DefineCustomFieldPayload");
    const res = await api.call(UPDATE_STAGE, {
      input: {
        id: stages.object!.id,
        expectedVersion: 1,
        sellerSteps: "Collect the basics",
        exitCriteria: [
          { key: "email", kind: "FIELD_FILLED", field: "EMAIL", message: "We need an email" },
          { key: "budget", kind: "CUSTOM_FIELD_FILLED", customFieldKey: "budget" },
        ],
      },
    });
    expect(res.updateStage.stage).toEqual({
      name: "Object",
      version: 2,
      sellerSteps: "Collect the basics",
      exitCriteria: [
        { __typename: "FieldFilledCriterion", key: "email", kind: "FIELD_FILLED", message: "We need an email", field: "EMAIL" },
        { __typename: "CustomFieldFilledCriterion", key: "budget", kind: "CUSTOM_FIELD_FILLED", message: null, customFieldKey: "budget" },
      ],
    });
    const client = await api.createClient({ name: "Budgeted", website: "https://b.test", phone: "+79160000010" });
    const refused = await api.move(client.id, stages.lead_development!.id);
    expect(refused.unmet.map((u: any) => [u.key, u.message, u.field])).toEqual([
      ["email", "We need an email", "email"],
      ["budget", "Custom field \"budget\" must be filled in", "customFields.budget"],
    ]);
    await api.update(client.id, { email: "buyer@b.test", customFields: { budget: 50000 } });
    expect((await api.move(client.id, stages.lead_development!.id)).__typename).toBe("MoveClientToStagePayload");

    const stale = await api.call(UPDATE_STAGE, { input: { id: stages.object!.id, expectedVersion: 1, name: "Late" } });
    expect(stale.updateStage).toMatchObject({ __typename: "VersionConflictError", currentVersion: 2 });
    const cleared = await api.call(UPDATE_STAGE, { input: { id: stages.object!.id, expectedVersion: 2, exitCriteria: [] } });
    expect(cleared.updateStage.stage.exitCriteria).toEqual([]);
  });

  it("createPipelineFromTemplate offers the Russian template (ADMIN only); clients can enter it", async () => {
    const create = `mutation($input: CreatePipelineFromTemplateInput!) { createPipelineFromTemplate(input: $input) {
      __typename ... on CreatePipelineFromTemplatePayload { pipeline { id name isDefault language activityOutcomes { value label }
        stages { id key name kind exitCriteria { key ... on ActivitySinceStageEntryCriterion { outcome } } } } } } }`;
    const manager = await addUser(server, admin.token, "MANAGER");
    const forbidden = await api.call(create, { input: { name: "Воронка", template: "DEFAULT_RU" } }, manager.token);
    expect(forbidden.createPipelineFromTemplate.__typename).toBe("ForbiddenError");

    const res = await api.call(create, { input: { name: "Воронка", template: "DEFAULT_RU" } });
    const pipeline = res.createPipelineFromTemplate.pipeline;
    expect(pipeline).toMatchObject({ name: "Воронка", isDefault: false, language: "RU" });
    // The interest criterion refers to the typed outcome, and a form gets its labels in the pipeline's language.
    expect(pipeline.stages[2].exitCriteria).toEqual([{ key: "contact.interest", outcome: "INTERESTED" }]);
    expect(pipeline.activityOutcomes.find((o: any) => o.value === "INTERESTED").label).toBe("Заинтересован");
    expect(pipeline.activityOutcomes.map((o: any) => o.value)).toEqual([
      "INTERESTED", "NOT_INTERESTED", "NO_ANSWER", "CALL_BACK", "AGREED_TO_MEET", "VERBAL_AGREEMENT", "WILL_BUY_AGAIN", "CHURNED",
    ]);
    const english = await api.call(`{ pipelines { isDefault language activityOutcomes { value label } } activityOutcomes(language: RU) { value label } }`);
    expect(english.pipelines[0]).toMatchObject({ isDefault: true, language: "EN" });
    expect(english.pipelines[0].activityOutcomes[0]).toEqual({ value: "INTERESTED", label: "Interested" });
    expect(english.activityOutcomes).toEqual(pipeline.activityOutcomes);
    expect(pipeline.stages.map((s: any) => s.name)).toEqual([
      "Объект", "Разработка лида", "Контакт/ заинтересовать", "Подготовка ко встрече", "Встреча", "Дожатие сделки",
      "Успешно реализовано", "Закрыто не реализовано", "Отложено",
    ]);
    expect(pipeline.stages[0].exitCriteria.map((c: any) => c.key)).toEqual(["object.name", "object.website", "object.phone"]);

    // A client from the default pipeline enters the new one: every earlier stage's criteria apply.
    const ru = Object.fromEntries(pipeline.stages.map((s: any) => [s.key, s]));
    const client = await api.createClient({ name: "Перевод", website: "https://ru.test" });
    const refused = await api.move(client.id, ru.lead_development.id);
    expect(unmetKeys(refused)).toEqual(["object.phone"]);
    expect(refused.unmet[0].stageName).toBe("Объект");
    expect((await api.move(client.id, ru.object.id)).transition.toStage.key).toBe("object");
  });

  it("stageTransitions filters by client, stage, actor, reason and time; never shows another organization", async () => {
    const manager = await addUser(server, admin.token, "MANAGER", "Mover");
    const client = await api.createClient({ name: "Historic" }, manager.token);
    const reasons = await api.reasons("LOST");
    const start = new Date().toISOString();
    await api.move(client.id, stages.lost!.id, { reasonId: reasons.price, note: "Too expensive" }, manager.token);
    const q = `query($filter: StageTransitionFilter) { stageTransitions(filter: $filter) { totalCount edges { node { client { id } fromStage { key } toStage { key } actor { id } reason { key } note occurredAt } } } }`;
    const byClient = (await api.call(q, { filter: { clientId: client.id } })).stageTransitions;
    expect(byClient.totalCount).toBe(2);
    expect(byClient.edges[0].node).toMatchObject({ fromStage: { key: "object" }, toStage: { key: "lost" }, actor: { id: manager.userId }, reason: { key: "price" }, note: "Too expensive" });
    expect(byClient.edges[1].node).toMatchObject({ fromStage: null, toStage: { key: "object" } });

    const byActor = (await api.call(q, { filter: { actorId: manager.userId } })).stageTransitions;
    expect(byActor.edges.map((e: any) => e.node.toStage.key)).toEqual(["lost", "object"]);
    expect((await api.call(q, { filter: { reasonId: reasons.price } })).stageTransitions.totalCount).toBe(1);
    expect((await api.call(q, { filter: { stageId: stages.lost!.id } })).stageTransitions.totalCount).toBe(1);
    expect((await api.call(q, { filter: { clientId: client.id, occurredFrom: start } })).stageTransitions.totalCount).toBe(1);
    expect((await api.call(q, { filter: { clientId: client.id, occurredTo: start } })).stageTransitions.totalCount).toBe(1);

    const other = await signUpOrg(server, "Nosy Org");
    const foreign = await server.gql(q, { filter: { clientId: client.id } }, other.token);
    expect(foreign.data.stageTransitions.totalCount).toBe(0);
    expect((await server.gql(`{ stageTransitions { totalCount } }`, {}, other.token)).data.stageTransitions.totalCount).toBe(0);
  });
});
