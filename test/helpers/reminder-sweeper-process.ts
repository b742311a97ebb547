/**
 * One replica's reminder sweeper as its own process, for a sweeper killed mid-sweep: a TestBot on
 * STORE_URL (with STORE_PREFIX) whose clock reads NOW (epoch ms), sweeping every second under the
 * store lease (TAKEOVER_MS). Each DM it sends is written as one JSON line `{"dm":"alice"}`; with
 * HANG_ON=n, the n-th DM never completes (`{"hanging":"bob"}` is written instead), as in a process
 * that stops there. It writes `{"ready":true}` once its sweeper runs, and `{"swept":true,"sent":n}`
 * after each sweep it made (holding the lease).
 */
import type { PostTarget } from '../../src/core/outcome.js';
import type { SweepReport } from '../../src/features/reminders/sweep.js';
import { TestBot } from './test-bot.js';

const url = process.env.STORE_URL;
if (!url) throw new Error('STORE_URL is not set');
const now = Number(process.env.NOW);
const hangOn = Number(process.env.HANG_ON ?? 0);
const bot = await TestBot.start({ storeUrl: url, prefix: process.env.STORE_PREFIX ?? '', now: () => now });
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
let posts = 0;
bot.core.registerAdapter({
  name: 'local',
  messenger: {
    async post(target: PostTarget) {
      const to = target.kind === 'dm' ? target.user.userId : '#';
      if (++posts === hangOn) {
        say({ hanging: to });
        await new Promise(() => undefined);
      }
      say({ dm: to });
    },
  },
});
bot.core
  .sweeper<SweepReport>('reminder', {
    intervalMs: 1_000,
    takeoverMs: Number(process.env.TAKEOVER_MS ?? 2_000),
    // Each sweep it finished, so that a test can wait for the next one rather than for a time.
    onReport: (report) => say({ swept: report.complete, sent: report.sent }),
  })
  .start();
say({ ready: true });
