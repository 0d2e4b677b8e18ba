import { selection } from "../shared/selection.js";
import { builder } from "../graphql/builder.js";

export const StageKindEnum = builder.enumType("StageKind", { values: ["ACTIVE", "WON", "LOST", "POSTPONED"] as const });

builder.prismaNode("Pipeline", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer?.organizationId ?? "" }),
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name"),
    isDefault: t.exposeBoolean("isDefault"),
    stages: t.relation("stages", { query: { orderBy: { position: "asc" } } }),
  }),
});

builder.prismaNode("Stage", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer?.organizationId ?? "" }),
  authScopes: { authenticated: true },
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    kind: t.expose("kind", { type: StageKindEnum }),
    position: t.exposeInt("position"),
    sellerSteps: t.exposeString("sellerSteps"),
    sellerActions: t.exposeString("sellerActions"),
    pipeline: t.relation("pipeline"),
    clientCount: t.relationCount("clients"),
  }),
});

builder.queryField("pipelines", (t) =>
  t.prismaField({
    type: ["Pipeline"],
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.pipeline.findMany({ ...selection(query), where: { organizationId: ctx.viewer!.organizationId }, orderBy: { createdAt: "asc" } }),
  }),
);
