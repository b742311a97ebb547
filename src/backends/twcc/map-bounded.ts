import { ok, type Result } from '../../result.js';

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of `items`.
 * The first failure stops new calls and is the answer.
 */
export async function mapBounded<T, U>(items: readonly T[], limit: number, fn: (item: T) => Promise<Result<U>>): Promise<Result<U[]>> {
  const out = new Array<U>(items.length);
  let next = 0;
  let failure: Result<U[]> | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      const r = await fn(items[i]!);
      if (!r.ok) failure ??= r;
      else out[i] = r.value;
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return failure ?? ok(out);
}
