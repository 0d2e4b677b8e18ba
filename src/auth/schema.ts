import { selection } from "../shared/selection.js";
import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { AuthenticationError, ValidationError } from "../graphql/errors.js";
import { provisionOrganization } from "../organizations/provision.js";
import { parseInput } from "../shared/validate.js";
import { hashPassword, verifyPassword } from "./password.js";
import type { Viewer } from "./tokens.js";
import { announceRevoked, openSession, refreshSession, revokeSessions, SessionRefusedError, type IssuedSession } from "./sessions.js";
import { authed } from "../context.js";
import { RateLimitedError } from "../limits/errors.js";
import { rateRule } from "../limits/rules.js";
import type { Context } from "../context.js";


type Session = IssuedSession & { userId: string };

const SessionRef = builder.objectRef<Session>("Session").implement({
  description:
    "A signed-in session. Send `token` as `Authorization: Bearer <token>` (or in graphql-ws connectionParams) until " +
    "`tokenExpiresAt`; then exchange `refreshToken` with `refreshSession` for new ones. Each refresh token works once.",
  fields: (t) => ({
    token: t.string({ description: "The short-lived access token (JWT)", resolve: (s) => s.accessToken }),
    tokenExpiresAt: t.field({ type: "DateTime", description: "When `token` stops working", resolve: (s) => s.accessTokenExpiresAt }),
    refreshToken: t.string({ description: "Single-use: exchange it with `refreshSession`; keep it secret (not in URLs or logs)", resolve: (s) => s.refreshToken }),
    refreshTokenExpiresAt: t.field({ type: "DateTime", description: "The session ends unless refreshed before this", resolve: (s) => s.refreshTokenExpiresAt }),
    user: t.prismaField({
      type: "User",
      description: "The signed-in user",
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
    errors: { types: [ValidationError], dataField: { name: "session" } },
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
    errors: { types: [AuthenticationError, ValidationError], dataField: { name: "session" } },
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
  const session = await openSession(ctx.prisma, ctx.config.jwt, viewer);
  ctx.viewer = { ...viewer, sessionId: session.sessionId };
  return { ...session, userId: viewer.userId };
}

builder.mutationField("refreshSession", (t) =>
  t.field({
    type: SessionRef,
    description:
      "Exchanges a refresh token for a new access token and a new refresh token (the old one stops working). " +
      "A refresh token presented twice ends its session: someone else has a copy.",
    skipTypeScopes: true,
    errors: { types: [AuthenticationError], dataField: { name: "session" } },
    args: {
      input: t.arg({
        type: builder.inputType("RefreshSessionInput", { fields: (f) => ({ refreshToken: f.string({ required: true, description: "From `Session.refreshToken`" }) }) }),
        required: true,
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      try {
        const { viewer, ...session } = await refreshSession(ctx.prisma, ctx.pubsub, ctx.config.jwt, input.refreshToken.slice(0, 200));
        ctx.viewer = viewer;
        return { ...session, userId: viewer.userId };
      } catch (error) {
        if (error instanceof SessionRefusedError) throw new AuthenticationError(`Cannot refresh: ${error.message}. Log in again.`);
        throw error;
      }
    },
  }),
);

builder.mutationField("logout", (t) =>
  t.field({
    type: "Boolean",
    description: "Ends the caller's session: its access and refresh tokens stop working at once, and its sockets close.",
    errors: { types: [], dataField: { name: "loggedOut" } },
    resolve: async (_root, _args, ctx) => {
      const { viewer } = authed(ctx);
      if (!viewer.sessionId) return false; // an external provider's token: log out there
      const ids = await revokeSessions(ctx.prisma, { sessionIds: [viewer.sessionId] }, "logged out");
      announceRevoked(ctx.pubsub, { sessionIds: ids }, "logged out");
      return true;
    },
  }),
);

builder.mutationField("changePassword", (t) =>
  t.prismaField({
    type: "User",
    description: "Changes the caller's password and ends their other sessions (this one stays signed in).",
    errors: { types: [AuthenticationError, ValidationError], dataField: { name: "user" } },
    args: {
      input: t.arg({
        type: builder.inputType("ChangePasswordInput", {
          fields: (f) => ({
            currentPassword: f.string({ required: true, description: "Proves it is the user, not someone at an unlocked screen" }),
            newPassword: f.string({ required: true, description: "At least 8 characters" }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const { viewer } = authed(ctx);
      const { newPassword } = parseInput(z.object({ newPassword: password }), { newPassword: input.newPassword });
      await limitAttemptsOnAccount(ctx, `user:${viewer.userId}`);
      const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: viewer.userId } });
      if (!user.passwordHash || !(await verifyPassword(input.currentPassword.slice(0, 200), user.passwordHash))) {
        throw new AuthenticationError("The current password is wrong");
      }
      const passwordHash = await hashPassword(newPassword);
      const ended = await ctx.prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
        return revokeSessions(tx, { userId: user.id, exceptSessionId: viewer.sessionId }, "password changed");
      });
      announceRevoked(ctx.pubsub, { sessionIds: ended }, "password changed");
      return ctx.prisma.user.findUniqueOrThrow({ ...selection(query), where: { id: user.id } });
    },
  }),
);

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export { password as passwordSchema, email as emailSchema };
