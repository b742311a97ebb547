import type { Store } from './port.js';

/**
 * How versions before the numbered log (numbered-log.ts) indexed the audit log, kept to read what
 * they wrote: in the `indexes` collection, a head `log:<name>:head` holding the newest ids (newest
 * last) and the ids of sealed chunks (oldest first), each chunk a list of ids. Nothing writes it any
 * more; it was capped (200 × 50 ids) when written, so it stays bounded.
 */
interface LegacyHead {
  ids: string[];
  chunks: string[];
}

/** The newest `n` ids of the legacy log `name`, newest first; none when there is no such log. */
export async function latestLegacyIds(store: Store, name: string, n: number): Promise<string[]> {
  const records = store.collection<LegacyHead | string[]>('indexes');
  const head = (await records.get(`log:${name}:head`)) as LegacyHead | undefined;
  if (!head) return [];
  const out = [...head.ids].reverse();
  for (let i = head.chunks.length - 1; i >= 0 && out.length < n; i--) {
    const ids = ((await records.get(head.chunks[i]!)) as string[] | undefined) ?? [];
    out.push(...[...ids].reverse());
  }
  return out.slice(0, n);
}
