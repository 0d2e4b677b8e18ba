import { GraphQLError } from "graphql";
import { authed, type Context } from "../context.js";
import { builder } from "../graphql/builder.js";
import { ForbiddenError, ValidationError } from "../graphql/errors.js";
import { tenantNode } from "../graphql/tenant-node.js";
import { idOf } from "../shared/ids.js";
import { selection } from "../shared/selection.js";
import { startImportJob } from "./jobs.js";

const ImportKindEnum = builder.enumType("ImportKind", {
  description: "What a file holds",
  values: {
    CLIENTS: { description: "Clients with their card and custom fields (columns: README, Importing a client base)" },
    CONTACTS: { description: "People and their jobs at clients, one row per job" },
    ORDERS: { description: "A purchase history; each order names its client by the client's external id" },
  } as const,
});

const ImportJobStatusEnum = builder.enumType("ImportJobStatus", {
  description: "Where an import job is",
  values: {
    RUNNING: { description: "Rows are being read and written" },
    SUCCEEDED: { description: "The whole file was read; refused rows (if any) are in `issues`" },
    FAILED: { description: "The file as a whole could not be imported (see `error`); batches written before stay" },
  } as const,
});

builder.prismaNode("ImportIssue", {
  ...tenantNode,
  // An issue belongs to its job's organization.
  findUnique: (id, ctx) => ({ id, job: { is: { organizationId: ctx.viewer?.organizationId ?? "" } } }),
  authScopes: { headOfSales: true },
  description: "A refused row of an import job: nothing of it was written",
  fields: (t) => ({
    line: t.exposeInt("line", { description: "The row's line in the file (the header is line 1; a quoted field may span lines)" }),
    column: t.exposeString("column", { description: "The column, as the file's header names it" }),
    message: t.exposeString("message", { description: "What is wrong, in words for the person who fixes the file" }),
  }),
});

builder.prismaNode("ImportJob", {
  ...tenantNode,
  description: "One file imported through the API: its counts while it runs and its refused rows (heads of sales and admins)",
  authScopes: { headOfSales: true },
  fields: (t) => ({
    kind: t.expose("kind", { type: ImportKindEnum, description: "What the file holds" }),
    fileName: t.exposeString("fileName", { description: "The uploaded file's name" }),
    dryRun: t.exposeBoolean("dryRun", { description: "true: counted what a real run would do and wrote nothing" }),
    status: t.expose("status", { type: ImportJobStatusEnum, description: "Running, succeeded or failed" }),
    rows: t.exposeInt("rows", { description: "Data rows read so far (the header not counted)" }),
    created: t.exposeInt("created", { description: "Rows that created a record (in a dry run: would create)" }),
    updated: t.exposeInt("updated", { description: "Rows that changed an existing record (its version bumped)" }),
    unchanged: t.exposeInt("unchanged", { description: "Rows whose record already held exactly these values" }),
    refused: t.exposeInt("refused", { description: "Rows refused whole; the first 10,000 are listed in `issues`" }),
    unknownColumns: t.exposeStringList("unknownColumns", { description: "Columns that match no field, so were not imported" }),
    error: t.exposeString("error", { nullable: true, description: "Why the file as a whole was refused, or that the import was interrupted" }),
    createdBy: t.relation("createdBy", { nullable: true, description: "Who uploaded the file" }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the upload arrived" }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true, description: "When the job ended; null while running" }),
    issues: t.relatedConnection("issues", {
      cursor: "id",
      totalCount: true,
      description: "Refused rows in file order, with line, column and message",
      query: () => ({ orderBy: [{ line: "asc" }, { id: "asc" }] }),
    }),
  }),
});

const ColumnMappingInput = builder.inputType("ImportColumnMappingInput", {
  description: "One of the file's headers read as a field, over the automatic matching",
  fields: (t) => ({
    column: t.string({ required: true, description: "The header as it is in the file" }),
    field: t.string({ required: true, description: "The field it holds: an API field name (e.g. `externalId`) or `customFields.<key>`" }),
  }),
});

const ImportRecordsInput = builder.inputType("ImportRecordsInput", {
  description: "A CSV file to import: UTF-8 (with or without BOM) or Windows-1251, comma- or semicolon-separated, a header row first",
  fields: (t) => ({
    kind: t.field({ type: ImportKindEnum, required: true, description: "What the file holds" }),
    file: t.field({ type: "File", required: true, description: "The CSV file, sent as a multipart upload" }),
    dryRun: t.boolean({ defaultValue: false, description: "Count what would be created, updated and refused; write nothing" }),
    mapping: t.field({ type: [ColumnMappingInput], description: "Headers to read as given fields, over the automatic matching" }),
  }),
});

builder.mutationField("importRecords", (t) =>
  t.prismaField({
    type: "ImportJob",
    description:
      "Heads of sales and admins: imports a CSV file of clients, contacts or orders into the caller's organization. " +
      "Answers at once with the RUNNING job; follow it with `importProgress(jobId:)` or read it with `importJob(id:)`. " +
      "Re-importing a file changes nothing; a changed row updates its record. Send as multipart/form-data (GraphQL " +
      "multipart request specification) with the header `x-graphql-yoga-csrf: 1`.",
    authScopes: { headOfSales: true },
    errors: { types: [ValidationError, ForbiddenError], dataField: { name: "job", description: "The started import job" } },
    args: { input: t.arg({ type: ImportRecordsInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { viewer } = authed(ctx);
      const mapping = Object.fromEntries((input.mapping ?? []).map((m) => [m.column, m.field]));
      if (input.file.size === 0) throw ValidationError.field("input.file", "is empty");
      const { id } = await startImportJob(
        { prisma: ctx.prisma, sql: ctx.sql, pubsub: ctx.pubsub, log: ctx.log },
        {
          organizationId: viewer.organizationId,
          userId: viewer.userId,
          kind: input.kind,
          fileName: (input.file as File).name || "upload.csv",
          // A web stream (or Yoga's ponyfill of one): both are async iterables of bytes.
          content: input.file.stream() as unknown as AsyncIterable<Uint8Array>,
          dryRun: input.dryRun ?? false,
          mapping,
        },
      );
      return ctx.prisma.importJob.findUniqueOrThrow({ ...selection(query), where: { id } });
    },
  }),
);

builder.queryField("importJob", (t) =>
  t.prismaField({
    type: "ImportJob",
    nullable: true,
    description: "Heads of sales and admins: an import job of the caller's organization (null for another organization's id)",
    authScopes: { headOfSales: true },
    args: { id: t.arg.id({ required: true, description: "The job's global id" }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.importJob.findFirst({ ...selection(query), where: { id: idOf(String(args.id), "ImportJob", "id"), organizationId: authed(ctx).viewer.organizationId } }),
  }),
);

builder.queryField("importJobs", (t) =>
  t.prismaConnection({
    type: "ImportJob",
    cursor: "id",
    description: "Heads of sales and admins: the organization's import jobs, newest first",
    authScopes: { headOfSales: true },
    totalCount: (_c, _a, ctx) => ctx.prisma.importJob.count({ where: { organizationId: authed(ctx).viewer.organizationId } }),
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.importJob.findMany({ ...selection(query), where: { organizationId: authed(ctx).viewer.organizationId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
);

builder.subscriptionField("importProgress", (t) =>
  t.prismaField({
    type: "ImportJob",
    nullable: true,
    description:
      "Heads of sales and admins: an import job as it runs: its current state at once, then after each written batch " +
      "(at most four times a second), and a last time when it ends; the subscription then completes.",
    authScopes: { headOfSales: true },
    args: { jobId: t.arg.id({ required: true, description: "The job's global id, from importRecords" }) },
    subscribe: (_root, args, ctx) => progressOf(ctx, idOf(String(args.jobId), "ImportJob", "jobId")),
    resolve: (query, event: { jobId: string }, _args, ctx) =>
      ctx.prisma.importJob.findFirst({ ...selection(query), where: { id: event.jobId, organizationId: authed(ctx).viewer.organizationId } }),
  }),
);

/** How long to wait for an announcement before reading the job again (a message lost between instances). */
const RECHECK_MS = 5_000;

async function* progressOf(ctx: Context, jobId: string): AsyncGenerator<{ jobId: string }> {
  const { organizationId } = authed(ctx).viewer;
  const live = ctx.pubsub.subscribe("import:progress", `${organizationId}:${jobId}`)[Symbol.asyncIterator]();
  // Listening starts before the first read, so an ending between the two is heard.
  let next = live.next();
  try {
    const job = await ctx.prisma.importJob.findFirst({ where: { id: jobId, organizationId }, select: { status: true } });
    if (!job) throw new GraphQLError("No import job with this id", { extensions: { code: "NOT_FOUND" } });
    yield { jobId };
    if (job.status !== "RUNNING") return;
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const event = await Promise.race([next, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), RECHECK_MS)))]);
      clearTimeout(timer);
      if (event?.done) return;
      if (event) next = live.next();
      const finished = event ? event.value.finished : (await ctx.prisma.importJob.findFirst({ where: { id: jobId }, select: { status: true } }))?.status !== "RUNNING";
      if (!event && !finished) continue;
      yield { jobId };
      if (finished) return;
    }
  } finally {
    await live.return?.();
  }
}
