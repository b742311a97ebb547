/**
 * One replica's audit stream sender as its own process, for a replica killed while it holds the lease:
 * the real sender on STORE_URL (with STORE_PREFIX), posting to RECEIVER_URL in batches of two, looking
 * for new entries every 200 ms under the store lease (TAKEOVER_MS). Before each POST it writes the batch's
 * event ids as one JSON line `{"posting":["…","…"]}`; `{"ready":true}` once its sweeper runs, and
 * `{"swept":true,"delivered":n}` after each sweep it made (holding the lease).
 */
import { AuditStream, type StreamReport } from '../../src/audit-stream/stream.js';
import { AuditWebhook } from '../../src/audit-stream/webhook.js';
import { silentLogger } from '../../src/log.js';
import { openStore } from '../../src/store/index.js';
import { linesOf } from './receiver.js';

const url = process.env.STORE_URL;
const receiverUrl = process.env.RECEIVER_URL;
if (!url || !receiverUrl) throw new Error('STORE_URL and RECEIVER_URL are required');
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const store = await openStore(url, process.env.STORE_PREFIX ? { prefix: process.env.STORE_PREFIX } : {});
const webhook = new AuditWebhook({ url: receiverUrl, secret: process.env.WEBHOOK_SECRET ?? 'replica-webhook-secret-0000', format: 'jsonl' });
const stream = new AuditStream({
  store,
  webhook: {
    origin: webhook.origin,
    post: (body, signal) => {
      say({ posting: linesOf(body).map((e) => e.event_id) });
      return webhook.post(body, signal);
    },
  },
  format: 'jsonl',
  project: 'local',
  keep: 10_000,
  logger: silentLogger(),
  batchSize: 2,
  intervalMs: 200,
  baseBackoffMs: 50,
  maxBackoffMs: 200,
});
stream
  .sweeper({
    takeoverMs: Number(process.env.TAKEOVER_MS ?? 2_000),
    onReport: (report: StreamReport) => say({ swept: true, delivered: report.delivered }),
  })
  .start();
say({ ready: true });
