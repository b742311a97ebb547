/**
 * Benchmark target, the peer: the bot's `/tenant whoami` and `/apikey list` written on Vercel's Chat
 * SDK (`chat` + `@chat-adapter/slack` + `@chat-adapter/state-memory`) as a team would write them,
 * served over node:http. The adapter checks the signature and acks the slash command empty; the
 * handler answers with `chat.postEphemeral` through the SDK (Chat SDK's way to answer one person),
 * against SLACK_API_URL (the fake Slack). Who is which member, and their keys, are a fixed in-memory
 * mapping: the peer has no store behind it, so it is the framework's cost and the answer's, no more.
 * Listens on PORT; GET /healthz answers 200.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createSlackAdapter } from '@chat-adapter/slack';
import { createMemoryState } from '@chat-adapter/state-memory';
import { Chat, ConsoleLogger, type SlashCommandEvent } from 'chat';
import { SIGNING_SECRET } from '../lib/slack-command.js';

/** The same people the bot's benchmark uses (bench/lib/bot.ts BENCH_USER, an admin from ADMINS). */
const MEMBERS = new Map([['UBENCH1', { member: 'ubench1', role: 'admin' }]]);
const KEYS_PER_MEMBER = 100;
const DAY_MS = 86_400_000;
const created = Date.parse('2026-12-01T00:00:00Z');
const keys = Array.from({ length: KEYS_PER_MEMBER }, (_, i) => ({
  id: `k-${i + 1}`,
  masked: `tw-****${String(1000 + i).slice(-4)}`,
  project: 'LOCAL',
  created: new Date(created).toISOString().slice(0, 10),
  expires: new Date(created + 90 * DAY_MS).toISOString().slice(0, 10),
  expiresAt: created + 90 * DAY_MS,
}));

const slack = createSlackAdapter({ botToken: 'xoxb-bench', signingSecret: SIGNING_SECRET, apiUrl: process.env.SLACK_API_URL, logger: new ConsoleLogger('warn', 'slack') });
const chat = new Chat({ userName: 'twcc-chatops-peer', adapters: { slack }, state: createMemoryState(), logger: 'warn' });

const answer = (event: SlashCommandEvent, text: string) => event.channel.postEphemeral(event.user, text, { fallbackToDM: false });

chat.onSlashCommand('/tenant', async (event) => {
  const who = MEMBERS.get(event.user.userId);
  if (event.text.trim() !== 'whoami') return void (await answer(event, 'Usage: `/tenant whoami`'));
  await answer(event, who ? `Member: ${who.member}, Role: ${who.role}` : `You (${event.user.userId}) are not linked to a tenant member.`);
});

chat.onSlashCommand('/apikey', async (event) => {
  const who = MEMBERS.get(event.user.userId);
  if (event.text.trim() !== 'list' || !who) return void (await answer(event, 'Usage: `/apikey list`'));
  const now = Date.now();
  const rows = keys.map((k) => `${k.id}  ${k.masked}  ${k.project}  ${k.created}  ${k.expires} (in ${Math.ceil((k.expiresAt - now) / DAY_MS)} days)`);
  await answer(event, `You have ${keys.length} API keys:\n\`\`\`\nid  key  project  created  expires\n${rows.join('\n')}\n\`\`\``);
});

/** node:http's request as the web Request the SDK's webhook handler takes. */
async function webRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) });
}

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return void res.writeHead(200).end('ok\n');
  if (req.method !== 'POST' || req.url !== '/slack/events') return void res.writeHead(404).end();
  webRequest(req)
    // The handler runs after the ack; its failures are logged by the SDK and show as missing answers.
    .then((request) => chat.webhooks.slack(request, { waitUntil: () => undefined }))
    .then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })
    .catch((err: unknown) => {
      console.error(err);
      res.writeHead(500).end();
    });
}).listen(Number(process.env.PORT), '127.0.0.1');
