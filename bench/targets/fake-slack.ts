/**
 * The fake Slack Web API and response_url endpoints from test/fakes/slack.ts, in a process of its
 * own so that it costs the bot nothing, plus a control server whose GET /count returns how many
 * answers arrived (at response_urls, and in acks as the load generator reports them), in all and
 * per tag (`/respond/<tag>.<id>.<sent at>`, see bench/lib/slack-command.ts)
 * with the text of the tag's last answer, and how long after its request each answer came; and the
 * Web API calls per method, with the text of the last `chat.postEphemeral` (how the Chat SDK peer
 * answers). Answers and calls are counted as they arrive and not kept, so memory stays flat.
 * Prints `{"url","control"}` on stdout once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeSlack, type ResponseUrlPost, type WebApiCall } from '../../test/fakes/slack.js';

const fake = await startFakeSlack();
const seen = new Set<string>();
const totals = { answered: 0, distinct: 0, duplicates: 0 };
const byTag: Record<string, { answered: number; last: string }> = {};
let answerMs: number[] = [];

// Count each answer as the fake records it.
fake.responses.push = (...posts: ResponseUrlPost[]) => {
  const now = Date.now();
  for (const r of posts) {
    totals.answered++;
    if (seen.has(r.id)) totals.duplicates++;
    else {
      seen.add(r.id);
      totals.distinct++;
    }
    const [tag = '', , sentAt] = r.id.split('.');
    if (Number.isFinite(Number(sentAt))) answerMs.push(now - Number(sentAt));
    const t = (byTag[tag] ??= { answered: 0, last: '' });
    t.answered++;
    t.last = String(r.body.text ?? '');
  }
  return 0;
};

const webApi: Record<string, number> = {};
let webApiSinceCount = 0;
let lastEphemeral = '';
fake.calls.push = (...calls: WebApiCall[]) => {
  for (const c of calls) {
    webApi[c.method] = (webApi[c.method] ?? 0) + 1;
    webApiSinceCount++;
    if (c.method === 'chat.postEphemeral') lastEphemeral = String(c.args.text ?? '');
  }
  return 0;
};

// POST /in-ack: ids (a JSON array) of requests the load generator saw answered in their ack; each
// counts as that request's answer, so a second one (in another ack, or at its response_url) is a repeat.
function answeredInAck(ids: string[]): void {
  for (const id of ids) {
    totals.answered++;
    if (seen.has(id)) totals.duplicates++;
    else {
      seen.add(id);
      totals.distinct++;
    }
  }
}

const control = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/in-ack') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      answeredInAck(JSON.parse(Buffer.concat(chunks).toString('utf8')) as string[]);
      res.writeHead(204).end();
    });
    return;
  }
  if (req.url !== '/count') return void res.writeHead(404).end();
  const body = JSON.stringify({ ...totals, byTag, webApiCalls: webApiSinceCount, webApi, lastEphemeral, answerMs });
  answerMs = [];
  webApiSinceCount = 0;
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ url: fake.url, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` })}\n`);
process.on('SIGTERM', () => void fake.stop().then(() => process.exit(0)));
