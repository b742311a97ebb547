/**
 * Measurements the benchmarks hand to `npm run bench` (bench/run.ts), which checks them against the
 * targets of issues 12 and 19 once every benchmark has run. Each benchmark runs in a process of its
 * own, so they travel as JSON lines in the file named by BENCH_RESULTS; a benchmark run alone
 * (no BENCH_RESULTS) only prints its tables.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** Records `value` under `name` (e.g. `slack.whoami.50.bot/bolt`) for bench/run.ts's summary. */
export function report(name: string, value: number): void {
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
}

/** Every measurement in `file`, the last one of each name winning. */
export function readReports(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { name, value } = JSON.parse(line) as { name: string; value: number };
    out.set(name, value);
  }
  return out;
}
