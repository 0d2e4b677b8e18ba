/** Polls until `condition` holds; for events that arrive asynchronously over a socket. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets in-flight socket messages land before asserting that nothing more arrived. */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

/** waitFor for conditions that must ask the server (e.g. scrape /metrics). */
export async function waitForAsync(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
