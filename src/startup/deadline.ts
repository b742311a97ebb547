/**
 * `work`, or a rejection with `error()` once `ms` have passed: a start-up step that may hang (a
 * store client that reconnects for ever, a fetch to a silent host) gets an explicit end. The timer
 * is cleared when `work` settles; `work` itself is not cancelled, so the caller ends what hangs
 * (main.ts exits the process on a failed start).
 */
export function withDeadline<T>(work: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** `5000` → `5 s`, for messages. */
export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
