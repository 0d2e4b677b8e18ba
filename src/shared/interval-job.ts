import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";

/**
 * Runs `job` now and then every `intervalMs`, never overlapping itself (a slow run makes the next tick skip).
 * The timer does not keep the process alive; a failed run is logged and counted, and the next tick tries again.
 */
export function startIntervalJob(
  name: string,
  intervalMs: number,
  job: () => Promise<unknown>,
  observe: { log: Logger; metrics: Metrics },
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    const endTimer = observe.metrics.schedulerDuration.startTimer({ job: name });
    try {
      await job();
      observe.metrics.schedulerRuns.inc({ job: name, outcome: "ok" });
    } catch (error) {
      observe.metrics.schedulerRuns.inc({ job: name, outcome: "error" });
      observe.log.error({ err: error, job: name }, "background job failed");
    } finally {
      endTimer();
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
