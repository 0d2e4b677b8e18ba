import { selection } from "../shared/selection.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, ValidationError } from "../graphql/errors.js";
import { parseInput } from "../shared/validate.js";

builder.prismaNode("Channel", {
  ...tenantNode,
  fields: (t) => ({
    name: t.exposeString("name"),
    trackingPhone: t.exposeString("trackingPhone", { nullable: true }),
    utmSource: t.exposeString("utmSource", { nullable: true }),
  }),
});

builder.queryField("channels", (t) =>
  t.prismaField({
    type: ["Channel"],
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.channel.findMany({ ...selection(query), where: { organizationId: ctx.viewer!.organizationId }, orderBy: { name: "asc" } }),
  }),
);

builder.mutationField("createChannel", (t) =>
  t.prismaField({
    type: "Channel",
    description: "Heads of sales and admins: a marketing channel with a tracking phone and/or UTM source.",
    authScopes: { headOfSales: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "channel" } },
    args: {
      input: t.arg({
        type: builder.inputType("CreateChannelInput", {
          fields: (f) => ({
            name: f.string({ required: true }),
            trackingPhone: f.field({ type: "PhoneNumber" }),
            utmSource: f.string(),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const data = parseInput(
        z.object({ name: z.string().trim().min(1, "is required").max(100), utmSource: z.string().trim().max(100).nullish() }),
        input,
      );
      const organizationId = ctx.viewer!.organizationId;
      if (await ctx.prisma.channel.findFirst({ where: { organizationId, name: data.name } })) {
        throw ValidationError.field("input.name", "a channel with this name exists");
      }
      return ctx.prisma.channel.create({
        ...selection(query),
        data: { organizationId, name: data.name, trackingPhone: input.trackingPhone ?? null, utmSource: data.utmSource ?? null },
      });
    },
  }),
);
