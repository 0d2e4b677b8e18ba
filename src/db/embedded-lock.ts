import lockfile from "proper-lockfile";
import { StartupError } from "../startup-error.js";

/**
 * PGlite is one process's database: two processes on one data directory each keep their own copy in memory
 * and overwrite each other's files, so writes are lost. A lock (proper-lockfile: a lock directory refreshed
 * while we live, taken over only when stale after a crash) lets the second process refuse to start instead.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, { realpath: false, stale: 15_000, update: 5_000, lockfilePath: `${dataDir}.lock` });
  } catch (error) {
    if ((error as { code?: string }).code === "ELOCKED") {
      throw new StartupError(
        `The embedded database in ${dataDir} is in use by another process. It serves one process at a time: stop the ` +
          `other one, or set DATABASE_URL to a PostgreSQL server to run several instances.`,
      );
    }
    throw error;
  }
}
