import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, signUpOrg, startTestServer, type TestServer } from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const JOB = `id kind fileName dryRun status rows created updated unchanged refused unknownColumns error finishedAt`;
const IMPORT = `mutation($input: ImportRecordsInput!) {
  importRecords(input: $input) { __typename ... on ImportRecordsPayload { job { ${JOB} } } ... on Error { code message } }
}`;

/** A GraphQL multipart request (the spec Yoga implements), as a browser or an HTTP client sends it. */
async function upload(token: string, kind: string, csv: string, options: { dryRun?: boolean; fileName?: string; mapping?: { column: string; field: string }[] } = {}) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query: IMPORT, variables: { input: { kind, file: null, dryRun: options.dryRun ?? false, mapping: options.mapping } } }));
  form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
  form.append("0", new Blob([csv], { type: "text/csv" }), options.fileName ?? "clients.csv");
  const response = await fetch(server.url, { method: "POST", headers: { authorization: `Bearer ${token}`, "x-graphql-yoga-csrf": "1" }, body: form });
  const body = (await response.json()) as { data?: any; errors?: any[] };
  if (!body.data) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Every state importProgress sends, until it completes. */
function progress(token: string, jobId: string): Promise<any[]> {
  const client = server.ws(token);
  const events: any[] = [];
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: `subscription($id: ID!) { importProgress(jobId: $id) { ${JOB} } }`, variables: { id: jobId } },
      { next: (message) => (message.errors ? reject(new Error(JSON.stringify(message.errors))) : events.push(message.data!.importProgress)), error: (e) => reject(new Error(JSON.stringify(e))), complete: () => resolve(events) },
    );
  });
}

async function finished(token: string, jobId: string) {
  for (let i = 0; i < 200; i++) {
    const res = await server.gql(`query($id: ID!) { importJob(id: $id) { ${JOB} } }`, { id: jobId }, token);
    if (res.data?.importJob?.status !== "RUNNING") return res.data!.importJob;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("import did not finish");
}

const clientsCsv = (count: number, from = 0) =>
  ["externalId,name,phone", ...Array.from({ length: count }, (_, i) => `X${from + i},Client ${from + i},+7 916 ${String(1000000 + from + i).slice(0, 7)}`)].join("\n");

describe("importRecords over the GraphQL multipart upload", () => {
  it("a head of sales uploads a base; progress arrives over graphql-ws until the job ends; the clients are in their organization", async () => {
    const admin = await signUpOrg(server, "Upload Co");
    const head = await addUser(server, admin.token, "HEAD_OF_SALES");
    const res = await upload(head.token, "CLIENTS", clientsCsv(2500), { fileName: "base.csv" });
    expect(res.data.importRecords.__typename).toBe("ImportRecordsPayload");
    const job = res.data.importRecords.job;
    expect(job).toMatchObject({ kind: "CLIENTS", fileName: "base.csv", dryRun: false });
    const events = await progress(head.token, job.id);
    const last = events.at(-1);
    expect(last).toMatchObject({ status: "SUCCEEDED", rows: 2500, created: 2500, updated: 0, refused: 0 });
    expect(last.finishedAt).not.toBeNull();
    // Counts only grow while it runs; every state before the last is RUNNING.
    for (const [i, e] of events.entries()) {
      if (i < events.length - 1) expect(e.status).toBe("RUNNING");
      if (i > 0) expect(e.rows).toBeGreaterThanOrEqual(events[i - 1].rows);
    }
    const clients = await server.gql(`{ clients(first: 1) { totalCount } }`, {}, admin.token);
    expect(clients.data.clients.totalCount).toBe(2500);

    // Subscribing to a finished job gives its final state and completes.
    expect(await progress(admin.token, job.id)).toEqual([last]);
    // Re-importing the same file changes nothing.
    const again = await upload(head.token, "CLIENTS", clientsCsv(2500));
    expect(await finished(head.token, again.data.importRecords.job.id)).toMatchObject({ status: "SUCCEEDED", created: 0, updated: 0, unchanged: 2500 });
    const jobs = await server.gql(`{ importJobs(first: 10) { totalCount edges { node { id } } } }`, {}, admin.token);
    expect(jobs.data.importJobs.totalCount).toBe(2);
    expect(jobs.data.importJobs.edges[0].node.id).toBe(again.data.importRecords.job.id);
  });

  it("refused rows are listed with line, column and message, page by page; a dry run writes nothing", async () => {
    const admin = await signUpOrg(server, "Issues Co");
    const csv = ["externalId;name;email;phone", "A1;Good one;a@b.ru;", "A2;;x@y.ru;", "A3;Bad mail;not-an-email;", "A4;Bad phone;;12", "A5;Fine;;"].join("\n");
    const dry = await upload(admin.token, "CLIENTS", csv, { dryRun: true });
    expect(await finished(admin.token, dry.data.importRecords.job.id)).toMatchObject({ status: "SUCCEEDED", dryRun: true, created: 2, refused: 3 });
    expect((await server.gql(`{ clients(first: 1) { totalCount } }`, {}, admin.token)).data.clients.totalCount).toBe(0);

    const real = await upload(admin.token, "CLIENTS", csv);
    const jobId = real.data.importRecords.job.id;
    expect(await finished(admin.token, jobId)).toMatchObject({ status: "SUCCEEDED", created: 2, refused: 3 });
    const page = (after?: string) =>
      server.gql(`query($id: ID!, $after: String) { importJob(id: $id) { issues(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { line column message } } } } }`, { id: jobId, after }, admin.token);
    const first = (await page()).data.importJob.issues;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e: any) => [e.node.line, e.node.column])).toEqual([[3, "name"], [4, "email"]]);
    expect(first.edges[0].node.message).toMatch(/required/);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).data.importJob.issues;
    expect(second.edges.map((e: any) => [e.node.line, e.node.column])).toEqual([[5, "phone"]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it("a file that cannot be imported as a whole fails the job with the reason; orders and contacts go through the same door", async () => {
    const admin = await signUpOrg(server, "Kinds Co");
    const bad = await upload(admin.token, "ORDERS", "number,amount\n1,100");
    expect(await finished(admin.token, bad.data.importRecords.job.id)).toMatchObject({ status: "FAILED", error: expect.stringMatching(/clientExternalId/) });
    await finished(admin.token, (await upload(admin.token, "CLIENTS", "externalId,name\nK1,Kilo")).data.importRecords.job.id);
    const orders = await upload(admin.token, "ORDERS", "Код клиента,Номер,Сумма,Дата оплаты\nK1,42,\"1 500,50\",01.02.2024", { fileName: "заказы.csv" });
    expect(await finished(admin.token, orders.data.importRecords.job.id)).toMatchObject({ status: "SUCCEEDED", created: 1, fileName: "заказы.csv" });
    const contacts = await upload(admin.token, "CONTACTS", "ФИО;Почта;Компания;Должность;ЛПР\nИван Петров;ivan@kilo.ru;K1;Директор;да");
    expect(await finished(admin.token, contacts.data.importRecords.job.id)).toMatchObject({ status: "SUCCEEDED", created: 1 });
    const client = await server.gql(`{ clients(first: 1) { edges { node { orders(first: 5) { edges { node { amount number } } } decisionMakerCount employments(first: 5) { edges { node { title isDecisionMaker contact { fullName } } } } } } } }`, {}, admin.token);
    const node = client.data.clients.edges[0].node;
    expect(node.orders.edges.map((e: any) => e.node)).toEqual([{ amount: "1500.5", number: "42" }]);
    expect(node.decisionMakerCount).toBe(1);
    expect(node.employments.edges.map((e: any) => e.node)).toEqual([{ title: "Директор", isDecisionMaker: true, contact: { fullName: "Иван Петров" } }]);
  });

  it("managers may not import or watch imports; another organization's job reads as null and cannot be watched", async () => {
    const admin = await signUpOrg(server, "Roles Co");
    const manager = await addUser(server, admin.token, "MANAGER");
    const refused = await upload(manager.token, "CLIENTS", clientsCsv(3));
    expect(refused.data.importRecords).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const job = (await upload(admin.token, "CLIENTS", clientsCsv(3))).data.importRecords.job;
    await finished(admin.token, job.id);
    const asManager = await server.gql(`query($id: ID!) { importJob(id: $id) { id } }`, { id: job.id }, manager.token);
    expect(asManager.errors?.[0]?.message).toMatch(/role/i);
    await expect(progress(manager.token, job.id)).rejects.toThrow(/role/i);

    const other = await signUpOrg(server, "Other Co");
    expect((await server.gql(`query($id: ID!) { importJob(id: $id) { id } }`, { id: job.id }, other.token)).data.importJob).toBeNull();
    await expect(progress(other.token, job.id)).rejects.toThrow(/No import job/);
    expect((await server.gql(`{ importJobs(first: 5) { totalCount } clients(first: 1) { totalCount } }`, {}, other.token)).data).toEqual({
      importJobs: { totalCount: 0 },
      clients: { totalCount: 0 },
    });
    // Without the CSRF header a browser form could post an upload: refused.
    const form = new FormData();
    form.append("operations", JSON.stringify({ query: IMPORT, variables: { input: { kind: "CLIENTS", file: null } } }));
    form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
    form.append("0", new Blob(["name\nX"]), "x.csv");
    const csrf = await fetch(server.url, { method: "POST", headers: { authorization: `Bearer ${admin.token}` }, body: form });
    expect(csrf.status).toBe(403);
  });
});
