import { authed, type Context } from "../context.js";
import { builder } from "../graphql/builder.js";
import { isSupervisor } from "../shared/access.js";
import { catchUpThenLive } from "../shared/catch-up.js";
import { selection } from "../shared/selection.js";

interface EntryEvent {
  entryId: string;
}

/**
 * New reactivation entries: a manager's own, everyone's for heads of sales. On connect the still-open
 * entries come first (so a reconnecting client misses nothing), then live ones; the entry id de-duplicates.
 */
builder.subscriptionField("reactivationEntryAdded", (t) =>
  t.prismaField({
    type: "ReactivationEntry",
    nullable: true,
    subscribe: (_root, _args, ctx) => entriesFor(ctx),
    resolve: (query, event: EntryEvent, _args, ctx) =>
      ctx.prisma.reactivationEntry.findFirst({ ...selection(query), where: { id: event.entryId, organizationId: ctx.viewer!.organizationId } }),
  }),
);

function entriesFor(ctx: Context): AsyncIterable<EntryEvent> {
  const { viewer } = authed(ctx);
  const seesAll = isSupervisor(viewer);
  return catchUpThenLive<EntryEvent & { assigneeId: string | null }>({
    live: ctx.pubsub.subscribe("reactivation:added", viewer.organizationId),
    accept: (event) => seesAll || event.assigneeId === viewer.userId,
    keyOf: (event) => event.entryId,
    backlog: async () =>
      (
        await ctx.prisma.reactivationEntry.findMany({
          where: { organizationId: viewer.organizationId, status: "OPEN", ...(seesAll ? {} : { assigneeId: viewer.userId }) },
          orderBy: { openedAt: "asc" },
          select: { id: true, assigneeId: true },
        })
      ).map((e) => ({ entryId: e.id, assigneeId: e.assigneeId })),
  });
}
