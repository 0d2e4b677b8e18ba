import { Repeater } from "graphql-yoga";
import { authed, type Context } from "../context.js";
import { builder } from "../graphql/builder.js";
import { isSupervisor } from "../shared/access.js";
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
  return new Repeater<EntryEvent>(async (push, stop) => {
    const seen = new Set<string>();
    const emit = (entryId: string) => {
      if (seen.has(entryId)) return;
      seen.add(entryId);
      void push({ entryId });
    };
    // Listen first, then read the backlog: an entry created in between arrives once, from either side.
    const live = ctx.pubsub.subscribe("reactivation:added", viewer.organizationId)[Symbol.asyncIterator]();
    stop.then(() => live.return?.());
    const pump = (async () => {
      for (;;) {
        const next = await live.next();
        if (next.done) return;
        if (seesAll || next.value.assigneeId === viewer.userId) emit(next.value.entryId);
      }
    })();
    const backlog = await ctx.prisma.reactivationEntry.findMany({
      where: { organizationId: viewer.organizationId, status: "OPEN", ...(seesAll ? {} : { assigneeId: viewer.userId }) },
      orderBy: { openedAt: "asc" },
      select: { id: true },
    });
    for (const entry of backlog) emit(entry.id);
    await stop;
    await pump.catch(() => {});
  });
}
