// The load test's reads, written for each target, and a normal form to check they return the same data.

export const PAGE_QUERIES = {
  api: `query Page {
    clients(first: 50, orderBy: { field: NAME, direction: ASC }) {
      edges { node {
        id name stage { name } owner { name }
        employments(current: true, first: 10) { edges { node { title contact { fullName } } } }
        tasks(status: OPEN, first: 10) { edges { node { title dueAt } } }
      } }
    }
  }`,
  postgraphile: `query Page($org: UUID!) {
    allClients(first: 50, orderBy: [NAME_ASC, PRIMARY_KEY_ASC], condition: { organizationId: $org }) {
      edges { node {
        rowId name stageByStageId { name } userByOwnerId { name }
        employmentsByClientId(condition: { endedAt: null }, first: 10, orderBy: [STARTED_AT_ASC, PRIMARY_KEY_ASC]) {
          edges { node { title contactByContactId { fullName } } }
        }
        tasksByClientId(condition: { status: OPEN }, first: 10, orderBy: [DUE_AT_ASC, PRIMARY_KEY_ASC]) { edges { node { title dueAt } } }
      } }
    }
  }`,
  raw: "",
};

/** The client card: one client with its contacts, timeline, orders and open tasks. */
export const CARD_QUERY = `query Card($id: ID!) {
  node(id: $id) { ... on Client {
    id name phone email website stageEnteredAt stage { name } owner { name }
    employments(current: true, first: 10) { edges { node { title isDecisionMaker contact { fullName phones } } } }
    activities(first: 20) { totalCount edges { node { type body occurredAt author { name } } } }
    orders(first: 10) { edges { node { number amount invoicedAt paidAt } } }
    tasks(status: OPEN, first: 10) { edges { node { title dueAt } } }
  } }
}`;

/** A manager's upcoming tasks with each task's client and the client's owner. */
export const MY_TASKS_QUERY = `query MyTasks {
  myTasks(scope: UPCOMING, first: 50) { edges { node { id title dueAt client { name owner { name } } } } }
}`;

export type Page = Array<{ id: string; name: string; stage: string; owner: string; contacts: string[]; tasks: string[] }>;

/** Same shape for all three: raw uuids, UTC instants, lists sorted (each target's own list order is not compared). */
export function normalisePage(target: keyof typeof PAGE_QUERIES, json: any): Page {
  const edges: any[] = target === "postgraphile" ? json.data.allClients.edges : json.data.clients.edges;
  return edges.map(({ node }) => {
    const id = target === "api" ? Buffer.from(node.id, "base64url").toString().split(":")[1] : (node.rowId ?? node.id);
    const stage = (node.stage ?? node.stageByStageId)?.name;
    const owner = (node.owner ?? node.userByOwnerId)?.name;
    const employments: any[] = (node.employments ?? node.employmentsByClientId).edges;
    const tasks: any[] = (node.tasks ?? node.tasksByClientId).edges;
    return {
      id,
      name: node.name,
      stage,
      owner,
      contacts: employments.map((e) => `${e.node.title}|${(e.node.contact ?? e.node.contactByContactId).fullName}`).sort(),
      tasks: tasks.map((t) => `${t.node.title}|${instant(t.node.dueAt)}`).sort(),
    };
  });
}

// Timestamps are stored without zone, holding UTC; targets print them with or without "Z".
function instant(value: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
}
