import type { Resources } from '../backends/port.js';
import { formatCount, formatMemory } from './units.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** "2027-02-27 (in 90 days)", "2026-11-01 (expired 3 days ago)". */
export function formatExpiry(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  const days = Math.round((t - now) / DAY_MS);
  const date = iso.slice(0, 10);
  if (days > 0) return `${date} (in ${days} day${days === 1 ? '' : 's'})`;
  if (days === 0) return `${date} (today)`;
  return `${date} (expired ${-days} day${days === -1 ? '' : 's'} ago)`;
}

/** A duration as people say it: "less than a minute", "5 min", "3 h", "2 days". */
export function formatAge(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return 'less than a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} days`;
}

export const formatDate = (iso: string): string => iso.slice(0, 10);

/** "3 / 8" per resource; memory with a unit. */
export function formatResources(r: Resources): [string, string, string] {
  return [
    `${formatCount(r.cpu.usage)} / ${formatCount(r.cpu.quota)}`,
    `${formatCount(r.gpu.usage)} / ${formatCount(r.gpu.quota)}`,
    `${formatMemory(r.memory.usage)} / ${formatMemory(r.memory.quota)}`,
  ];
}
