/** Reports a repeating failure (a reconnect loop) at most once per `everyMs`. */
export function throttled<E>(report: (error: E) => void, everyMs = 10_000): (error: E) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    report(error);
  };
}
