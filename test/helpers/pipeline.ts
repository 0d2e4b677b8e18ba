import { expect } from "vitest";
import type { TestServer } from "./server.js";

/** Small GraphQL helpers for the pipeline tests: each asserts the call did not fail at the transport level. */
export function pipelineApi(server: TestServer, token: string) {
  async function call(query: string, variables: Record<string, unknown> = {}, as = token) {
    const res = await server.gql(query, variables, as);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  }

  return {
    call,
    async stages(): Promise<Record<string, { id: string; name: string; version: number }>> {
      const data = await call(`{ pipelines { isDefault stages { id key name version } } }`);
      const pipeline = data.pipelines.find((p: { isDefault: boolean }) => p.isDefault);
      return Object.fromEntries(pipeline.stages.map((s: { key: string }) => [s.key, s]));
    },
    async createClient(input: Record<string, unknown>, as = token): Promise<{ id: string; version: number }> {
      const data = await call(`mutation($input: CreateClientInput!) { createClient(input: $input) { ... on CreateClientPayload { client { id version } } ... on Error { message } } }`, { input }, as);
      expect(data.createClient.client, JSON.stringify(data.createClient)).toBeDefined();
      return data.createClient.client;
    },
    async client(id: string) {
      const data = await call(`query($id: ID!) { node(id: $id) { ... on Client { id version stage { key } stageEnteredAt } } }`, { id });
      return data.node as { id: string; version: number; stage: { key: string } | null; stageEnteredAt: string };
    },
    async update(id: string, fields: Record<string, unknown>) {
      const { version } = await this.client(id);
      const data = await call(`mutation($input: UpdateClientInput!) { updateClient(input: $input) { __typename ... on Error { message } } }`, {
        input: { id, expectedVersion: version, ...fields },
      });
      expect(data.updateClient.__typename, JSON.stringify(data.updateClient)).toBe("UpdateClientPayload");
    },
    async logActivity(clientId: string, type: string, outcome?: string) {
      const data = await call(`mutation($input: LogActivityInput!) { logActivity(input: $input) { __typename } }`, { input: { clientId, type, outcome } });
      expect(data.logActivity.__typename).toBe("LogActivityPayload");
    },
    /** Moves with the client's current version unless one is given; returns the payload or typed error. */
    async move(clientId: string, stageId: string, extra: { reasonId?: string; note?: string; expectedVersion?: number } = {}, as = token) {
      const expectedVersion = extra.expectedVersion ?? (await this.client(clientId)).version;
      const data = await call(
        `mutation($input: MoveClientToStageInput!) { moveClientToStage(input: $input) {
          __typename
          ... on MoveClientToStagePayload { transition { id fromStage { key } toStage { key } note reason { key } actor { id } client { version stage { key } } } }
          ... on StageCriteriaNotMetError { message unmet { key kind message field stageName } fromStage { name } toStage { name } }
          ... on ValidationError { issues { path message } }
          ... on VersionConflictError { expectedVersion currentVersion }
          ... on Error { message code }
        } }`,
        { input: { clientId, stageId, expectedVersion, reasonId: extra.reasonId, note: extra.note } },
        as,
      );
      return data.moveClientToStage;
    },
    async reasons(kind: string): Promise<Record<string, string>> {
      const data = await call(`query($kind: ReasonKind) { reasons(kind: $kind) { id key kind } }`, { kind });
      return Object.fromEntries(data.reasons.map((r: { key: string; id: string }) => [r.key, r.id]));
    },
  };
}

export const unmetKeys = (result: { __typename: string; unmet?: { key: string }[] }) => {
  expect(result.__typename).toBe("StageCriteriaNotMetError");
  return result.unmet!.map((u) => u.key);
};
