import type { ImportKind } from "../generated/prisma/enums.js";
import type { CrmPubSub } from "../pubsub.js";
import type { Logger } from "../observability/logger.js";
import type { ImportDatabase } from "./bulk-sql.js";
import { recordWebhookEvent } from "../webhooks/outbox.js";
import { CsvFormatError, readCsv } from "./csv.js";
import { IMPORTERS } from "./importers.js";
import { ImportFileError, type ImportSummary } from "./run-import.js";

export interface ImportJobServices extends ImportDatabase {
  pubsub: CrmPubSub;
  log: Logger;
}

export interface ImportJobRequest {
  organizationId: string;
  userId: string;
  kind: ImportKind;
  fileName: string;
  /** The file's bytes as they arrive. */
  content: AsyncIterable<Uint8Array>;
  dryRun: boolean;
  mapping?: Record<string, string>;
}

/** Progress is written and announced at most this often (and always at the end). */
const PROGRESS_EVERY_MS = 250;
/** A RUNNING job whose heartbeat is older than this was cut off by its instance stopping. */
export const INTERRUPTED_AFTER_MS = 2 * 60_000;

/**
 * Starts an import as a job: the job row exists (RUNNING) when this resolves, the file is imported in the
 * background by the same engine as the CLI, its counts are written and announced on `import:progress` as batches
 * land, and at the end it is SUCCEEDED (rows may still have been refused: see `refused` and the issues) or FAILED
 * (the file as a whole was unusable: `error` says why). `done` settles when the job has finished.
 */
export async function startImportJob(services: ImportJobServices, request: ImportJobRequest): Promise<{ id: string; done: Promise<void> }> {
  const { prisma, pubsub } = services;
  const job = await prisma.importJob.create({
    data: { organizationId: request.organizationId, createdById: request.userId, kind: request.kind, fileName: request.fileName.slice(0, 255), dryRun: request.dryRun },
    select: { id: true },
  });
  const topic = `${request.organizationId}:${job.id}`;
  const announce = (finished = false) => pubsub.publish("import:progress", topic, { jobId: job.id, finished });
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const progress = (summary: Readonly<ImportSummary>) => {
    const now = Date.now();
    if (now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    writing = writing
      .then(() => prisma.importJob.update({ where: { id: job.id }, data: { ...counts(summary), heartbeatAt: new Date() } }))
      .then(() => announce(), (error) => services.log.warn({ err: error, jobId: job.id }, "import progress not recorded"));
  };

  const done = (async () => {
    let outcome: { status: "SUCCEEDED" | "FAILED"; summary?: ImportSummary; error?: string };
    try {
      const summary = await IMPORTERS[request.kind](services, readCsv(bytes(request.content)), {
        organizationId: request.organizationId,
        dryRun: request.dryRun,
        mapping: request.mapping,
        onProgress: progress,
      });
      outcome = { status: "SUCCEEDED", summary };
    } catch (error) {
      const expected = error instanceof ImportFileError || error instanceof CsvFormatError;
      if (!expected) services.log.error({ err: error, jobId: job.id }, "import failed");
      outcome = { status: "FAILED", error: expected ? (error as Error).message : "The import stopped on an unexpected error; nothing after the last written batch was imported." };
    }
    await writing;
    const issues = outcome.summary?.issues ?? [];
    for (let from = 0; from < issues.length; from += 1000) {
      await prisma.importIssue.createMany({ data: issues.slice(from, from + 1000).map((issue) => ({ jobId: job.id, ...issue })) });
    }
    await prisma.$transaction(async (tx) => {
      const finished = await tx.importJob.update({
        where: { id: job.id },
        data: {
          status: outcome.status,
          error: outcome.error ?? null,
          ...(outcome.summary ? { ...counts(outcome.summary), unknownColumns: outcome.summary.unknownColumns } : {}),
          heartbeatAt: new Date(),
          finishedAt: new Date(),
        },
      });
      await recordWebhookEvent(tx, {
        organizationId: request.organizationId, type: "import.finished", record: { id: job.id, typename: "ImportJob" }, at: finished.finishedAt!,
        data: {
          kind: finished.kind, fileName: finished.fileName, dryRun: finished.dryRun, status: finished.status, error: finished.error,
          rows: finished.rows, created: finished.created, updated: finished.updated, unchanged: finished.unchanged, refused: finished.refused,
        },
      });
    });
    announce(true);
  })().catch((error) => services.log.error({ err: error, jobId: job.id }, "import job not finished"));
  return { id: job.id, done };
}

/**
 * Jobs left RUNNING by an instance that stopped (a crash, a deploy) are marked FAILED, so nobody waits for them
 * forever; what their written batches imported stays, and importing the same file again completes it.
 */
export async function failInterruptedImports(prisma: ImportDatabase["prisma"], now = new Date()): Promise<number> {
  const { count } = await prisma.importJob.updateMany({
    where: { status: "RUNNING", heartbeatAt: { lt: new Date(now.getTime() - INTERRUPTED_AFTER_MS) } },
    data: { status: "FAILED", error: "Interrupted: the server stopped during the import. Import the same file again to complete it.", finishedAt: now },
  });
  return count;
}

const counts = (s: Readonly<ImportSummary>) => ({ rows: s.rows, created: s.created, updated: s.updated, unchanged: s.unchanged, refused: s.refused });

async function* bytes(content: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of content) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
