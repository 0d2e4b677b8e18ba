/**
 * Runs `job` now and then every `intervalMs`, never overlapping itself (a slow run makes the next tick skip).
 * The timer does not keep the process alive; errors go to `onError` and the next tick tries again.
 */
export function startIntervalJob(intervalMs: number, job: () => Promise<unknown>, onError: (error: unknown) => void): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await job();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
