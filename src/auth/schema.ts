import { selection } from "../shared/selection.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { COMMON_ERRORS } from "../graphql/error-types.js";
import { AuthenticationError, ValidationError } from "../graphql/errors.js";
import { provisionOrganization } from "../organizations/provision.js";
import { parseInput } from "../shared/validate.js";
import { hashPassword, verifyPassword } from "./password.js";
import { issueToken, type Viewer } from "./tokens.js";
import { RateLimitedError } from "../limits/errors.js";
import { rateRule } from "../limits/rules.js";
import type { Context } from "../context.js";


interface Session {
  token: string;
  userId: string;
}

const SessionRef = builder.objectRef<Session>("Session").implement({
  description: "A signed-in session: send `token` as `Authorization: Bearer <token>` or in graphql-ws connectionParams.",
  fields: (t) => ({
    token: t.exposeString("token"),
    user: t.prismaField({
      type: "User",
      resolve: (query, session, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...selection(query), where: { id: session.userId } }),
    }),
  }),
});

const password = z.string().min(8, "must be at least 8 characters").max(200);
const email = z.string().trim().toLowerCase().email("must be a valid email").max(254);

const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({
    organizationName: t.string({ required: true }),
    name: t.string({ required: true }),
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    timezone: t.string({ description: "IANA time zone, e.g. Europe/Moscow" }),
  }),
});
const signUpSchema = z.object({
  organizationName: z.string().trim().min(1, "is required").max(200),
  name: z.string().trim().min(1, "is required").max(200),
  email,
  password,
  timezone: z.string().refine(isTimeZone, "must be an IANA time zone").nullish(),
});

builder.mutationField("signUp", (t) =>
  t.field({
    description: "Creates an organization with its default pipeline; the caller becomes its ADMIN.",
    type: SessionRef,
    skipTypeScopes: true,
    errors: { types: COMMON_ERRORS, dataField: { name: "session" } },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = parseInput(signUpSchema, args.input);
      const exists = await ctx.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (exists) throw ValidationError.field("input.email", "is already registered");
      const passwordHash = await hashPassword(input.password);
      const user = await ctx.prisma.$transaction(async (tx) => {
        const { organization } = await provisionOrganization(tx, { name: input.organizationName, timezone: input.timezone ?? undefined });
        return tx.user.create({
          data: { organizationId: organization.id, email: input.email, name: input.name, role: "ADMIN", passwordHash },
        });
      });
      return startSession(ctx, { userId: user.id, organizationId: user.organizationId, role: user.role });
    },
  }),
);

const LoginInput = builder.inputType("LoginInput", {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

builder.mutationField("login", (t) =>
  t.field({
    type: SessionRef,
    skipTypeScopes: true,
    errors: { types: [AuthenticationError, ...COMMON_ERRORS], dataField: { name: "session" } },
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = parseInput(z.object({ email, password: z.string().min(1).max(200) }), args.input);
      await limitAttemptsOnAccount(ctx, input.email);
      const user = await ctx.prisma.user.findUnique({ where: { email: input.email } });
      // Same message for unknown email and wrong password: no account enumeration.
      const ok = user?.passwordHash && user.active ? await verifyPassword(input.password, user.passwordHash) : false;
      if (!user || !ok) throw new AuthenticationError("Wrong email or password");
      return startSession(ctx, { userId: user.id, organizationId: user.organizationId, role: user.role });
    },
  }),
);

/** Per-address limits alone would let a botnet guess one account's password; this caps guesses per account. */
async function limitAttemptsOnAccount(ctx: Context, email: string): Promise<void> {
  const decision = await ctx.rateLimiter.consume(`loginEmail:${email.toLowerCase()}`, rateRule("loginEmail", ctx.config.limits));
  if (decision.allowed) return;
  ctx.metrics.rateLimited.inc({ bucket: "loginEmail" });
  throw new RateLimitedError(decision.retryAfterMs);
}

/** The caller is now this user, for the rest of the operation too (so `session { user }` can be selected). */
async function startSession(ctx: Context, viewer: Viewer): Promise<Session> {
  ctx.viewer = viewer;
  return { token: await issueToken(ctx.config.jwt, viewer), userId: viewer.userId };
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export { password as passwordSchema, email as emailSchema };
