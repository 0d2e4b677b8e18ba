import { selection } from "../shared/selection.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, ValidationError } from "../graphql/errors.js";
import { parseInput } from "../shared/validate.js";

const EntityEnum = builder.enumType("CustomFieldEntity", { values: ["CLIENT", "CONTACT"] as const });
const TypeEnum = builder.enumType("CustomFieldType", {
  values: ["TEXT", "NUMBER", "DATE", "BOOL", "SELECT", "URL", "PHONE", "EMAIL"] as const,
});

builder.prismaNode("CustomFieldDefinition", {
  ...tenantNode,
  fields: (t) => ({
    entity: t.expose("entity", { type: EntityEnum }),
    key: t.exposeString("key"),
    label: t.exposeString("label"),
    type: t.expose("type", { type: TypeEnum }),
    options: t.exposeStringList("options"),
    required: t.exposeBoolean("required"),
    position: t.exposeInt("position"),
  }),
});

builder.queryField("customFieldDefinitions", (t) =>
  t.prismaField({
    type: ["CustomFieldDefinition"],
    args: { entity: t.arg({ type: EntityEnum }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.customFieldDefinition.findMany({
        ...selection(query),
        where: { organizationId: ctx.viewer!.organizationId, entity: args.entity ?? undefined },
        orderBy: [{ entity: "asc" }, { position: "asc" }, { key: "asc" }],
      }),
  }),
);

const definitionSchema = z
  .object({
    entity: z.enum(["CLIENT", "CONTACT"]),
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be snake_case, start with a letter, at most 40 characters"),
    label: z.string().trim().min(1, "is required").max(100),
    type: z.enum(["TEXT", "NUMBER", "DATE", "BOOL", "SELECT", "URL", "PHONE", "EMAIL"]),
    options: z.array(z.string().trim().min(1).max(100)).max(100).nullish(),
    required: z.boolean().nullish(),
    position: z.number().int().min(0).max(1000).nullish(),
  })
  .refine((d) => d.type !== "SELECT" || (d.options?.length ?? 0) > 0, { path: ["options"], message: "a SELECT field needs options" });

builder.mutationField("defineCustomField", (t) =>
  t.prismaField({
    type: "CustomFieldDefinition",
    description: "ADMIN only. Adds a field to the client or contact card. Keep cards short: every field costs managers time.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "definition" } },
    args: {
      input: t.arg({
        type: builder.inputType("DefineCustomFieldInput", {
          fields: (f) => ({
            entity: f.field({ type: EntityEnum, required: true }),
            key: f.string({ required: true }),
            label: f.string({ required: true }),
            type: f.field({ type: TypeEnum, required: true }),
            options: f.stringList(),
            required: f.boolean(),
            position: f.int(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const data = parseInput(definitionSchema, input);
      const organizationId = ctx.viewer!.organizationId;
      const exists = await ctx.prisma.customFieldDefinition.findFirst({ where: { organizationId, entity: data.entity, key: data.key } });
      if (exists) throw ValidationError.field("input.key", "is already defined for this entity");
      return ctx.prisma.customFieldDefinition.create({
        ...selection(query),
        data: {
          organizationId,
          entity: data.entity,
          key: data.key,
          label: data.label,
          type: data.type,
          options: data.options ?? [],
          required: data.required ?? false,
          position: data.position ?? 0,
        },
      });
    },
  }),
);
