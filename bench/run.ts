/**
 * `npm run bench` (after `npm run build`): every issue-12 benchmark in turn, each in a process of
 * its own and bounded in time, after a line that says what machine and load they ran on. The
 * numbers vary between machines and with other work on this one: compare the ratios in one run.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

const BENCHES = ['bench/start.ts', 'bench/slack-http.ts', 'bench/core.ts', 'bench/memory.ts', 'bench/discord-burst.ts', 'bench/twcc-quota.ts'];

const start = performance.now();
const load = loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; load average ${load}; ${new Date().toISOString()}`);
for (const script of BENCHES) {
  console.log(`\n=== ${script}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`${script} failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
}
console.log(`\nall benchmarks: ${((performance.now() - start) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
