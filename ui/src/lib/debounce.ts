// A debounce with `flush` (run now if pending: Ctrl+S, blur, close) and
// `cancel`. Calls never overlap a pending timer; the latest arguments win.

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Runs the pending call now; resolves when it has run. */
  flush(): Promise<void>;
  /** Drops the pending call. */
  cancel(): void;
  /** True while a call is waiting. */
  readonly pending: boolean;
}

export function debounce<A extends unknown[]>(
  fn: (...args: A) => unknown,
  ms: number,
): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last: A | null = null;
  const run = async () => {
    timer = null;
    const args = last;
    last = null;
    if (args) await fn(...args);
  };
  const d = ((...args: A) => {
    last = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  }) as Debounced<A>;
  d.flush = async () => {
    if (timer === null) return;
    clearTimeout(timer);
    await run();
  };
  d.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    last = null;
  };
  Object.defineProperty(d, "pending", { get: () => timer !== null });
  return d;
}
