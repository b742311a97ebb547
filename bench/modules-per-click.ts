/**
 * How many of the project's modules one command and one click run code in, by V8's precise
 * coverage (function call counts): `/apikey delete <id>` and then its Delete click, on the embedded
 * registry and a real SQLite file, through the core. Each is run once to warm up (so module loading
 * does not count), the counts are reset, and the second run is counted. ARCHITECTURE.md quotes it.
 *   npx tsx bench/modules-per-click.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRegistry } from '../src/backends/local/registry.js';
import { Core } from '../src/core/core.js';
import type { ChatUser } from '../src/core/invocation.js';
import type { Outcome } from '../src/core/outcome.js';
import { allFeatures } from '../src/features/index.js';
import { openStore } from '../src/store/index.js';

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });

/** Project modules (src/, adapters/) with at least one function called since the last take. */
async function modulesRun(): Promise<string[]> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  return result
    .filter((s) => s.url.startsWith('file://') && /\/(src|adapters)\//.test(s.url) && !s.url.includes('node_modules'))
    .filter((s) => s.functions.some((f) => f.ranges.some((r) => r.count > 0)))
    .map((s) => relative(process.cwd(), fileURLToPath(s.url)))
    .sort();
}

const dir = mkdtempSync(join(tmpdir(), 'chatops-modules-'));
const store = await openStore(`sqlite://${join(dir, 'bench.sqlite')}`);
const core = new Core({ features: allFeatures(), store, backend: new LocalRegistry(store), admins: ['local:admin'] });
core.registerAdapter({ name: 'local', messenger: { post: async () => undefined } });
const where = { workspace: 'local', channelId: 'bench' };
const user = (userId: string): ChatUser => ({ platform: 'local', workspace: 'local', userId, name: userId });
const buttonOf = (o: Outcome, label: string): string => {
  const r = o.kind === 'reply' ? o.reply : undefined;
  const button = r?.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : [])).find((b) => b.label.startsWith(label));
  if (!button) throw new Error(`no ${label} button in ${JSON.stringify(o).slice(0, 300)}`);
  return button.id;
};
const keyOf = (o: Outcome): string => /`(k-[\w-]+)`/.exec(JSON.stringify(o))![1]!;

await core.handle({ kind: 'command', user: user('admin'), where, command: 'tenant', text: 'link @alice alice' });
const rounds: { command: string[]; click: string[] }[] = [];
for (let round = 0; round < 2; round++) {
  const key = keyOf(await core.handle({ kind: 'command', user: user('alice'), where, command: 'apikey', text: 'create' }));
  await modulesRun();
  const card = await core.handle({ kind: 'command', user: user('alice'), where, command: 'apikey', text: `delete ${key}`, deliveryId: `d${round}` });
  const command = await modulesRun();
  await core.handle({ kind: 'click', user: user('alice'), where, actionId: buttonOf(card, 'Delete'), messageIsPrivate: true, deliveryId: `c${round}` });
  rounds.push({ command, click: await modulesRun() });
}
const { command, click } = rounds[1]!;
const distinct = new Set([...command, ...click]);
const inCore = (files: Iterable<string>) => [...files].filter((f) => f.startsWith('src/core/')).length;
console.log(`/apikey delete: ${command.length} project modules (${inCore(command)} in src/core)`);
console.log(`its Delete click: ${click.length} project modules (${inCore(click)} in src/core)`);
console.log(`distinct: ${distinct.size} (${inCore(distinct)} in src/core)`);
if (process.argv.includes('--list')) console.log([...distinct].sort().join('\n'));
await store.close();
rmSync(dir, { recursive: true, force: true });
session.disconnect();
