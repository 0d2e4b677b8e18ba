import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeId } from "../src/graphql/global-id.js";
import { pipelineApi, unmetKeys } from "./helpers/pipeline.js";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";
import { settle, waitFor } from "./helpers/wait.js";

let server: TestServer;
let admin: Awaited<ReturnType<typeof signUpOrg>>;
let api: ReturnType<typeof pipelineApi>;
let stages: Awaited<ReturnType<ReturnType<typeof pipelineApi>["stages"]>>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUpOrg(server, "Pipeline Org");
  api = pipelineApi(server, admin.token);
  stages = await api.stages();
});
afterAll(() => server?.stop());

/** Tasks have no API yet; the meeting is scheduled directly in the database. */
async function scheduleMeeting(clientId: string) {
  await server.app.services.prisma.task.create({
    data: {
      organizationId: (await server.app.services.prisma.user.findUniqueOrThrow({ where: { id: decodeId(admin.userId).id } })).organizationId,
      assigneeId: decodeId(admin.userId).id,
      clientId: decodeId(clientId).id,
      type: "MEETING",
      title: "Meeting with the director",
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
}

async function payOrder(clientId: string) {
  const created = await api.call(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on CreateOrderPayload { order { id version } } } }`, {
    input: { clientId, amount: "9000.00" },
  });
  const order = created.createOrder.order;
  const paid = await api.call(`mutation($input: OrderStepInput!) { markOrderPaid(input: $input) { __typename } }`, {
    input: { id: order.id, expectedVersion: order.version },
  });
  expect(paid.markOrderPaid.__typename).toBe("MarkOrderPaidPayload");
}

const LEAD_FIELDS = {
  businessDescription: "Sells bicycles in Kazan",
  targetAudience: "Families",
  competitors: "VeloMarket",
  problemsFound: "Slow website",
  proposedSolutions: "New landing page",
};

describe("the default template, walked through the API", () => {
  it("every forward move is first refused with exactly what is missing, then allowed", async () => {
    const client = await api.createClient({ name: "Velo LLC" });
    expect((await api.client(client.id)).stage?.key).toBe("object");

    // 1. Object → Lead development: website and phone.
    const refused = await api.move(client.id, stages.lead_development!.id);
    expect(unmetKeys(refused)).toEqual(["object.website", "object.phone"]);
    expect(refused.unmet[0]).toEqual({ key: "object.website", kind: "FIELD_FILLED", message: "Website must be filled in", field: "website", stageName: "Object" });
    expect(refused.fromStage).toEqual({ name: "Object" });
    expect(refused.toStage).toEqual({ name: "Lead development" });
    await api.update(client.id, { website: "https://velo.test" });
    expect(unmetKeys(await api.move(client.id, stages.lead_development!.id))).toEqual(["object.phone"]);
    await api.update(client.id, { phone: "+7 916 123-45-67" });
    const moved = await api.move(client.id, stages.lead_development!.id);
    expect(moved.__typename).toBe("MoveClientToStagePayload");
    expect(moved.transition).toMatchObject({ fromStage: { key: "object" }, toStage: { key: "lead_development" }, actor: { id: admin.userId } });

    // 2. Lead development → Contact / interest: the research and a decision-maker with full name and direct phone.
    expect(unmetKeys(await api.move(client.id, stages.contact_interest!.id))).toEqual([
      "lead.businessDescription", "lead.targetAudience", "lead.competitors", "lead.problemsFound", "lead.proposedSolutions", "lead.decision_maker",
    ]);
    await api.update(client.id, LEAD_FIELDS);
    const addDecisionMaker = (fullName: string, directPhone?: string) =>
      api.call(`mutation($input: CreateContactInput!) { createContact(input: $input) { __typename } }`, {
        input: { fullName, employment: { clientId: client.id, isDecisionMaker: true, directPhone } },
      });
    await addDecisionMaker("Ivan Petrov"); // no direct phone
    await addDecisionMaker("Director", "+79161110000"); // no full name
    const dmOnly = await api.move(client.id, stages.contact_interest!.id);
    expect(unmetKeys(dmOnly)).toEqual(["lead.decision_maker"]);
    expect(dmOnly.unmet[0]).toMatchObject({ field: "employments", kind: "DECISION_MAKERS_WITH_DIRECT_PHONE" });
    await addDecisionMaker("Pyotr Ivanovich Sidorov", "+79161112233");
    expect((await api.move(client.id, stages.contact_interest!.id)).__typename).toBe("MoveClientToStagePayload");

    // 3. Contact / interest → Meeting preparation: interest recorded since entering the stage.
    expect(unmetKeys(await api.move(client.id, stages.meeting_preparation!.id))).toEqual(["contact.interest"]);
    await api.logActivity(client.id, "CALL", "NO_ANSWER");
    await api.logActivity(client.id, "EMAIL", "INTERESTED");
    expect(unmetKeys(await api.move(client.id, stages.meeting_preparation!.id))).toEqual(["contact.interest"]);
    await api.logActivity(client.id, "CALL", "INTERESTED");
    expect((await api.move(client.id, stages.meeting_preparation!.id)).__typename).toBe("MoveClientToStagePayload");

    // 4. Meeting preparation → Meeting: a meeting task with a due time.
    expect(unmetKeys(await api.move(client.id, stages.meeting!.id))).toEqual(["meeting_prep.meeting_scheduled"]);
    await scheduleMeeting(client.id);
    expect((await api.move(client.id, stages.meeting!.id)).__typename).toBe("MoveClientToStagePayload");

    // 5. Meeting → Closing: verbal agreement.
    expect(unmetKeys(await api.move(client.id, stages.closing!.id))).toEqual(["meeting.verbal_agreement"]);
    await api.logActivity(client.id, "VERBAL_AGREEMENT");
    expect((await api.move(client.id, stages.closing!.id)).__typename).toBe("MoveClientToStagePayload");

    // 6. Closing → Won: contract signed, an order paid, and the project handed to an account manager.
    expect(unmetKeys(await api.move(client.id, stages.won!.id))).toEqual(["closing.contract_signed", "closing.order_paid", "closing.account_manager"]);
    await api.logActivity(client.id, "CONTRACT_SIGNED");
    expect(unmetKeys(await api.move(client.id, stages.won!.id))).toEqual(["closing.order_paid", "closing.account_manager"]);
    await payOrder(client.id);
    const handOver = await api.move(client.id, stages.won!.id);
    expect(unmetKeys(handOver)).toEqual(["closing.account_manager"]);
    expect(handOver.unmet[0]).toMatchObject({ kind: "ACCOUNT_MANAGER_ASSIGNED", field: "accountManager", message: "The client must be handed over to an account manager" });
    await api.update(client.id, { accountManagerId: admin.userId });
    const won = await api.move(client.id, stages.won!.id);
    expect(won.transition.client.stage.key).toBe("won");

    const history = await api.call(`query($id: ID!) { node(id: $id) { ... on Client { transitions(first: 20) { totalCount edges { node { fromStage { key } toStage { key } } } } } } }`, { id: client.id });
    expect(history.node.transitions.totalCount).toBe(7);
    expect(history.node.transitions.edges.map((e: any) => e.node.toStage.key)).toEqual([
      "won", "closing", "meeting", "meeting_preparation", "contact_interest", "lead_development", "object",
    ]);

    // Won may be reopened: back to an active stage without criteria. A repeat deal starts in Closing.
    const reopened = await api.move(client.id, stages.closing!.id);
    expect(reopened.transition).toMatchObject({ fromStage: { key: "won" }, toStage: { key: "closing" } });
    // A new contract is signed; last deal's payment does not close this one.
    await api.logActivity(client.id, "CONTRACT_SIGNED");
    const repeat = await api.move(client.id, stages.won!.id);
    expect(unmetKeys(repeat)).toEqual(["closing.order_paid"]);
    expect(repeat.unmet[0].message).toBe("An order must be paid since entering the stage");
    await payOrder(client.id);
    expect((await api.move(client.id, stages.won!.id)).transition.toStage.key).toBe("won");
  });

  it("a refused move changes nothing: same version, same stage, no history row", async () => {
    const client = await api.createClient({ name: "Untouched" });
    const before = await api.client(client.id);
    const refused = await api.move(client.id, stages.lead_development!.id);
    expect(refused.__typename).toBe("StageCriteriaNotMetError");
    expect(await api.client(client.id)).toEqual(before);
    const transitions = await api.call(`query($id: ID!) { stageTransitions(filter: { clientId: $id }) { totalCount } }`, { id: client.id });
    expect(transitions.stageTransitions.totalCount).toBe(1);
  });

  it("skipping ahead needs the criteria of the current and every skipped stage", async () => {
    const client = await api.createClient({ name: "Skipper", website: "https://skip.test", phone: "+79160000001" });
    const skip = await api.move(client.id, stages.meeting_preparation!.id);
    expect(unmetKeys(skip)).toEqual([
      "lead.businessDescription", "lead.targetAudience", "lead.competitors", "lead.problemsFound", "lead.proposedSolutions",
      "lead.decision_maker", "contact.interest",
    ]);
    expect(skip.unmet.map((u: { stageName: string }) => u.stageName)).toEqual([...Array(6).fill("Lead development"), "Contact / interest"]);
    // Object's own criteria hold, so moving one step works, and skipping Object's successors still does not.
    expect((await api.move(client.id, stages.lead_development!.id)).__typename).toBe("MoveClientToStagePayload");
    expect(unmetKeys(await api.move(client.id, stages.won!.id))).toContain("closing.order_paid");
  });

  it("activities count only since the client entered its current stage", async () => {
    const client = await api.createClient({ name: "Returner", website: "https://ret.test", phone: "+79160000002", ...LEAD_FIELDS });
    await api.call(`mutation($input: CreateContactInput!) { createContact(input: $input) { __typename } }`, {
      input: { fullName: "Anna Karenina", employment: { clientId: client.id, isDecisionMaker: true, directPhone: "+79160000003" } },
    });
    await api.move(client.id, stages.lead_development!.id);
    await api.move(client.id, stages.contact_interest!.id);
    await api.logActivity(client.id, "MEETING", "INTERESTED");
    expect((await api.move(client.id, stages.lead_development!.id)).__typename).toBe("MoveClientToStagePayload"); // back: free
    await api.move(client.id, stages.contact_interest!.id);
    // The interest was logged before re-entering, so it no longer counts.
    expect(unmetKeys(await api.move(client.id, stages.meeting_preparation!.id))).toEqual(["contact.interest"]);
  });

  it("backward moves are free; subscribers see each move as STAGE_CHANGED", async () => {
    const client = await api.createClient({ name: "Backer", website: "https://back.test", phone: "+79160000004" });
    const events: Array<{ kind: string; client: { stage: { key: string } } }> = [];
    server.ws(admin.token).subscribe({ query: `subscription { clientChanged { kind client { stage { key } } } }` }, {
      next: (msg: any) => events.push(msg.data.clientChanged), error: () => {}, complete: () => {},
    });
    await settle(200); // let the subscription register before we publish
    await api.move(client.id, stages.lead_development!.id);
    const back = await api.move(client.id, stages.object!.id);
    expect(back.__typename).toBe("MoveClientToStagePayload");
    expect(back.transition).toMatchObject({ fromStage: { key: "lead_development" }, toStage: { key: "object" } });
    await waitFor(() => events.length >= 2);
    expect(events.map((e) => e.kind)).toEqual(["STAGE_CHANGED", "STAGE_CHANGED"]);
  });

  it("Lost and Postponed need a reason of their kind from the organization's list and a note", async () => {
    const client = await api.createClient({ name: "Parker" });
    const lostReasons = await api.reasons("LOST");
    const postponedReasons = await api.reasons("POSTPONED");
    expect(Object.keys(lostReasons).sort()).toEqual(["competitor", "no_budget", "no_need", "other", "price"]);

    const bare = await api.move(client.id, stages.lost!.id);
    expect(bare.__typename).toBe("ValidationError");
    expect(bare.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(["input.reasonId", "input.note"]);
    const noNote = await api.move(client.id, stages.postponed!.id, { reasonId: postponedReasons.no_need });
    expect(noNote.issues).toEqual([{ path: ["input", "note"], message: "a note is required when moving to postponed" }]);
    const wrongKind = await api.move(client.id, stages.lost!.id, { reasonId: postponedReasons.no_need, note: "no" });
    expect(wrongKind.issues).toEqual([{ path: ["input", "reasonId"], message: "is not a lost reason of your organization" }]);
    const reasonOnForward = await api.move(client.id, stages.object!.id, { reasonId: lostReasons.price });
    expect(reasonOnForward.__typename).toBe("ValidationError");

    const parked = await api.move(client.id, stages.postponed!.id, { reasonId: postponedReasons.cannot_pay_now, note: "Budget in spring" });
    expect(parked.transition).toMatchObject({ toStage: { key: "postponed" }, reason: { key: "cannot_pay_now" }, note: "Budget in spring" });

    // Re-interested: straight to Closing without criteria, but never straight to Won.
    const toWon = await api.move(client.id, stages.won!.id);
    expect(toWon.__typename).toBe("ValidationError");
    expect(toWon.issues[0].path).toEqual(["input", "stageId"]);
    expect((await api.move(client.id, stages.closing!.id)).transition.toStage.key).toBe("closing");

    const lost = await api.move(client.id, stages.lost!.id, { reasonId: lostReasons.competitor, note: "Went with VeloMarket" });
    expect(lost.transition.reason.key).toBe("competitor");
    expect((await api.move(client.id, stages.object!.id)).__typename).toBe("MoveClientToStagePayload"); // revisit
  });

  it("moving to the current stage is refused; a stale version is a conflict; foreign and unknown ids are not found", async () => {
    const client = await api.createClient({ name: "Edge" });
    expect((await api.move(client.id, stages.object!.id)).issues[0].message).toBe("The client is already in this stage");
    const stale = await api.move(client.id, stages.lost!.id, { expectedVersion: 99, reasonId: (await api.reasons("LOST")).price, note: "x" });
    expect(stale).toMatchObject({ __typename: "VersionConflictError", expectedVersion: 99, currentVersion: 1 });

    const other = await signUpOrg(server, "Other Pipeline Org");
    const otherApi = pipelineApi(server, other.token);
    const otherStages = await otherApi.stages();
    expect((await api.move(client.id, otherStages.lead_development!.id)).__typename).toBe("NotFoundError");
    expect((await otherApi.move(client.id, otherStages.lead_development!.id, { expectedVersion: 1 })).__typename).toBe("NotFoundError");
  });

  it("a manager moves their own and unowned clients, not a colleague's", async () => {
    const alice = await addUser(server, admin.token, "MANAGER", "Alice");
    const bob = await addUser(server, admin.token, "MANAGER", "Bob");
    const alicesClient = await api.createClient({ name: "Alice's", website: "https://a.test", phone: "+79160000005" }, alice.token);
    const asBob = await api.move(alicesClient.id, stages.lead_development!.id, {}, bob.token);
    expect(asBob.__typename).toBe("ForbiddenError");
    const asAlice = await api.move(alicesClient.id, stages.lead_development!.id, {}, alice.token);
    expect(asAlice.transition.actor.id).toBe(alice.userId);
  });

  it("stageReadiness returns the same checklist without moving", async () => {
    const client = await api.createClient({ name: "Ready?", website: "https://ready.test" });
    const query = `query($clientId: ID!, $target: ID) { stageReadiness(clientId: $clientId, targetStageId: $target) {
      __typename ... on StageReadinessPayload { readiness { ready direction reasonRequired blocker fromStage { key } toStage { key }
        checklist { key met field stageName } unmet { key } } } ... on Error { message } } }`;
    const next = (await api.call(query, { clientId: client.id })).stageReadiness.readiness;
    expect(next).toMatchObject({ ready: false, direction: "FORWARD", fromStage: { key: "object" }, toStage: { key: "lead_development" }, blocker: null });
    expect(next.checklist.map((c: { key: string; met: boolean }) => [c.key, c.met])).toEqual([["object.name", true], ["object.website", true], ["object.phone", false]]);
    expect(next.unmet).toEqual([{ key: "object.phone" }]);
    expect((await api.client(client.id)).version).toBe(1);

    const skip = (await api.call(query, { clientId: client.id, target: stages.meeting!.id })).stageReadiness.readiness;
    const refusal = await api.move(client.id, stages.meeting!.id);
    expect(skip.unmet.map((u: { key: string }) => u.key)).toEqual(unmetKeys(refusal));

    const park = (await api.call(query, { clientId: client.id, target: stages.lost!.id })).stageReadiness.readiness;
    expect(park).toMatchObject({ ready: true, direction: "PARK", reasonRequired: "LOST", checklist: [] });

    await api.update(client.id, { phone: "+79160000006" });
    expect((await api.call(query, { clientId: client.id })).stageReadiness.readiness.ready).toBe(true);
  });

  it("checking criteria takes the same number of SQL statements however much a client has", async () => {
    const prisma = server.app.services.prisma;
    const organizationId = (await prisma.user.findUniqueOrThrow({ where: { id: decodeId(admin.userId).id } })).organizationId;
    const statementsForRefusedSkip = async (name: string, rows: number) => {
      const client = await api.createClient({ name, website: "https://n.test", phone: "+79160000020" });
      await api.move(client.id, stages.lead_development!.id);
      const clientId = decodeId(client.id).id;
      for (let i = 0; i < rows; i++) {
        const contact = await prisma.contact.create({ data: { organizationId, fullName: `Person ${i}`, phones: [], emails: [] } });
        await prisma.employment.create({ data: { organizationId, clientId, contactId: contact.id, isDecisionMaker: true, directPhone: "+79160000021" } });
        await prisma.activity.create({ data: { organizationId, clientId, type: "CALL", outcome: "NO_ANSWER" } });
        await prisma.order.create({ data: { organizationId, clientId, amount: "10.00", paidAt: new Date() } });
      }
      const { version } = await api.client(client.id);
      const before = server.app.database.statementCount();
      const refused = await api.move(client.id, stages.meeting!.id, { expectedVersion: version });
      expect(refused.__typename).toBe("StageCriteriaNotMetError");
      return server.app.database.statementCount() - before;
    };
    expect(await statementsForRefusedSkip("Sparse", 0)).toBe(await statementsForRefusedSkip("Dense", 12));
  });

  it("two managers moving the same client at once: one wins, the other gets a version conflict", async () => {
    const client = await api.createClient({ name: "Contested", website: "https://c.test", phone: "+79160000007" });
    const head = await addUser(server, admin.token, "HEAD_OF_SALES", "Head");
    const reasons = await api.reasons("POSTPONED");
    const results = await Promise.all([
      api.move(client.id, stages.lead_development!.id, { expectedVersion: 1 }),
      api.move(client.id, stages.postponed!.id, { expectedVersion: 1, reasonId: reasons.no_contact, note: "Unreachable" }, head.token),
    ]);
    const kinds = results.map((r) => r.__typename).sort();
    expect(kinds).toEqual(["MoveClientToStagePayload", "VersionConflictError"]);
    const winner = results.find((r) => r.__typename === "MoveClientToStagePayload")!;
    const after = await api.client(client.id);
    expect(after.version).toBe(2);
    expect(after.stage?.key).toBe(winner.transition.toStage.key);
    const history = await api.call(`query($id: ID!) { stageTransitions(filter: { clientId: $id }) { totalCount edges { node { toStage { key } } } } }`, { id: client.id });
    expect(history.stageTransitions.totalCount).toBe(2);
    expect(history.stageTransitions.edges[0].node.toStage.key).toBe(winner.transition.toStage.key);
  });
});
