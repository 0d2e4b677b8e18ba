// A write mix for the load test: 40% logActivity, 30% createTask, 30% updateClient with the right expectedVersion.
// Updates and the other writes use disjoint clients, so versions tracked here stay exact.
type Kind = "logActivity" | "createTask" | "updateClient";

const MUTATIONS: Record<Kind, string> = {
  logActivity: `mutation($input: LogActivityInput!) { logActivity(input: $input) { __typename } }`,
  createTask: `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename } }`,
  updateClient: `mutation($input: UpdateClientInput!) { updateClient(input: $input) { __typename ... on UpdateClientPayload { client { version } } } }`,
};

export function mutationMix(options: { url: string; token: string; clientIds: string[]; encodeId: (type: string, id: string) => string }) {
  const half = Math.floor(options.clientIds.length / 2);
  const updatable = options.clientIds.slice(0, half).map((id) => ({ id: options.encodeId("Client", id), version: 1 }));
  const others = options.clientIds.slice(half).map((id) => options.encodeId("Client", id));
  let sent = 0;
  let nextUpdate = 0;
  let outcomes: Record<string, number> = {};
  let graphqlErrors = 0;

  function next(): { kind: Kind; body: string; update?: { id: string; version: number } } {
    const n = sent++;
    const slot = n % 10;
    if (slot < 4) {
      const clientId = others[n % others.length];
      return { kind: "logActivity", body: JSON.stringify({ query: MUTATIONS.logActivity, variables: { input: { clientId, type: "NOTE", body: `Load note ${n}` } } }) };
    }
    if (slot < 7) {
      const clientId = others[(n * 7) % others.length];
      const dueAt = new Date(Date.now() + 86_400_000).toISOString();
      return { kind: "createTask", body: JSON.stringify({ query: MUTATIONS.createTask, variables: { input: { clientId, title: `Load task ${n}`, type: "CALL", dueAt } } }) };
    }
    const update = updatable[nextUpdate++ % updatable.length]!;
    return {
      kind: "updateClient",
      update,
      body: JSON.stringify({ query: MUTATIONS.updateClient, variables: { input: { id: update.id, expectedVersion: update.version, competitors: `Rival ${n}` } } }),
    };
  }

  const requests = [{
    method: "POST",
    path: new URL(options.url).pathname,
    headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
    setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
      const op = next();
      context.op = op;
      return { ...request, body: op.body };
    },
    onResponse: (_status: number, body: string, context: Record<string, unknown>) => {
      const op = context.op as ReturnType<typeof next>;
      const json = JSON.parse(body);
      if (json.errors) {
        graphqlErrors++;
        return;
      }
      const typename = json.data[op.kind].__typename as string;
      outcomes[`${op.kind}:${typename}`] = (outcomes[`${op.kind}:${typename}`] ?? 0) + 1;
      if (op.update && typename === "UpdateClientPayload") op.update.version = json.data.updateClient.client.version;
    },
  }];

  return {
    requests,
    reset() {
      outcomes = {};
      graphqlErrors = 0;
    },
    graphqlErrors: () => graphqlErrors,
    summary: () => Object.entries(outcomes).sort().map(([k, v]) => `${k} ${v}`).join(", "),
  };
}
