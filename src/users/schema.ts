import { selection } from "../shared/selection.js";
import { rootList } from "../compiled-reads/root-list.js";
import { z } from "zod";
import { emailSchema, passwordSchema } from "../auth/schema.js";
import { hashPassword } from "../auth/password.js";
import { builder } from "../graphql/builder.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../graphql/errors.js";
import { parseInput } from "../shared/validate.js";
import { authed } from "../context.js";
import { idOf, optionalIdOf } from "../shared/ids.js";
import { deactivateUser, reactivateUser, type Deactivation } from "./lifecycle.js";

export const RoleEnum = builder.enumType("Role", {
  values: {
    ADMIN: { description: "Configures pipelines, fields and users" },
    HEAD_OF_SALES: { description: "Sees and reassigns everything, receives escalations" },
    MANAGER: { description: "Reads the organization's clients, changes own and unowned ones" },
  } as const,
});

builder.prismaNode("User", {
  ...tenantNode,
  select: { id: true }, // select mode: load only the columns the query asks for
  fields: (t) => ({
    name: t.exposeString("name"),
    email: t.exposeString("email"),
    role: t.expose("role", { type: RoleEnum }),
    active: t.exposeBoolean("active"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** Only the caller's own organization resolves; any other id reads as null, like a missing one. */
const NO_ORGANIZATION = "00000000-0000-0000-0000-000000000000";

builder.prismaNode("Organization", {
  description: "The caller's company: its users, clients and settings belong to it",
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id: id === ctx.viewer?.organizationId ? id : NO_ORGANIZATION }),
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name"),
    timezone: t.exposeString("timezone"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: "User",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.user.findUniqueOrThrow({ ...selection(query), where: { id: ctx.viewer!.userId } }),
  }),
  organization: t.prismaField({
    type: "Organization",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.organization.findUniqueOrThrow({ ...selection(query), where: { id: ctx.viewer!.organizationId } }),
  }),
  users: t.prismaConnection({
    type: "User",
    cursor: "id",
    args: { role: t.arg({ type: RoleEnum }) },
    ...rootList<{ role?: "ADMIN" | "HEAD_OF_SALES" | "MANAGER" | null }>({
      model: "User",
      where: (args, ctx) => ({ organizationId: ctx.viewer!.organizationId, role: args.role ?? undefined }),
      orderBy: () => [{ name: "asc" }, { id: "asc" }],
    }),
  }),
}));

const CreateUserInput = builder.inputType("CreateUserInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

builder.mutationField("createUser", (t) =>
  t.prismaField({
    type: "User",
    description: "ADMIN only: adds a user to the caller's organization.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "user" } },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(
        z.object({ name: z.string().trim().min(1, "is required").max(200), email: emailSchema, password: passwordSchema, role: z.enum(["ADMIN", "HEAD_OF_SALES", "MANAGER"]) }),
        args.input,
      );
      const exists = await ctx.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (exists) throw ValidationError.field("input.email", "is already registered");
      const { password, ...profile } = input;
      return ctx.prisma.user.create({
        ...selection(query),
        data: { ...profile, passwordHash: await hashPassword(password), organizationId: ctx.viewer!.organizationId },
      });
    },
  }),
);

const DeactivationRef = builder.objectRef<Deactivation>("UserDeactivation").implement({
  description: "What deactivating a user did",
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      description: "The deactivated user",
      resolve: (query, d, _a, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...selection(query), where: { id: d.userId } }),
    }),
    reassignedClientCount: t.int({ description: "Clients handed to `reassignTo`", resolve: (d) => d.reassignedClients }),
    reassignedTaskCount: t.int({ description: "Open tasks handed to `reassignTo`", resolve: (d) => d.reassignedTasks }),
  }),
});

builder.mutationField("deactivateUser", (t) =>
  t.field({
    type: DeactivationRef,
    description:
      "ADMIN only: the user can no longer sign in; their tokens stop working at once (401) and their sockets close. " +
      "Their clients, open tasks and open reactivation entries go to `reassignTo` in the same step.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "deactivation" } },
    args: {
      input: t.arg({
        type: builder.inputType("DeactivateUserInput", {
          fields: (f) => ({
            id: f.id({ required: true, description: "The user to deactivate" }),
            reassignTo: f.id({ description: "An active user who takes over; required when the user owns clients or has open tasks" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_root, { input }, ctx) =>
      deactivateUser(authed(ctx), idOf(input.id, "User", "input.id"), optionalIdOf(input.reassignTo, "User", "input.reassignTo") ?? null),
  }),
);

builder.mutationField("reactivateUser", (t) =>
  t.prismaField({
    type: "User",
    description: "ADMIN only: a deactivated user may sign in again.",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError], dataField: { name: "user" } },
    args: {
      input: t.arg({
        type: builder.inputType("ReactivateUserInput", { fields: (f) => ({ id: f.id({ required: true, description: "The user to reactivate" }) }) }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const id = idOf(input.id, "User", "input.id");
      await reactivateUser(authed(ctx), id);
      return ctx.prisma.user.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
);
