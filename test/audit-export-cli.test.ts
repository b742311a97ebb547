import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_EXPORT_USAGE, parseAuditExportArgs, readOnly } from '../src/cli/audit-export.js';
import { CSV_COLUMNS } from '../src/core/audit-event.js';
import { memoryStore } from '../src/store/memory-store.js';
import { built } from './helpers/built.js';
import { parseJsonl } from './helpers/audit-export.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from './helpers/store-urls.js';
import { TestBot } from './helpers/test-bot.js';
import { filesOf } from '../src/core/reply.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-audit-cli-'));
afterAll(() => {
  // Only this file's own folder.
  expect(basename(dir)).toMatch(/^chatops-audit-cli-/);
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run audit:export -- …args` as cron would run it: node on the built script, the store from the environment. */
function auditExport(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [built('src/cli/audit-export.js'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', TMPDIR: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const stores: [string, () => { url: string; prefix?: string }][] = [
  ['SQLite', () => ({ url: `sqlite://${join(dir, `${uniquePrefix('s')}.sqlite`)}` })],
  ['Redis', () => ({ url: REDIS_URL, prefix: uniquePrefix('cli') })],
  ['PostgreSQL', () => ({ url: POSTGRES_URL, prefix: uniquePrefix('cli') })],
];

describe.each(stores)('npm run audit:export on %s', (_kind, where) => {
  let store: { url: string; prefix?: string };
  let bot: TestBot | undefined;
  let secret: string;
  let chatExport: string;
  const exportsInChat: string[] = [];

  beforeAll(async () => {
    store = where();
    let clock = Date.parse('2026-11-30T23:00:00.000Z');
    bot = await TestBot.start({ storeUrl: store.url, ...(store.prefix ? { prefix: store.prefix } : {}), now: () => clock });
    await bot.say('admin', '/tenant link @alice alice');
    clock = Date.parse('2026-12-01T08:00:00.000Z');
    const created = await bot.say('alice', '/apikey create');
    secret = /`(twcc_[A-Za-z0-9_-]+)`/.exec(created.text)![1]!;
    clock = Date.parse('2026-12-02T08:00:00.000Z');
    await bot.say('admin', '/tenant link @bob bob admin');
    const file = filesOf((await bot.say('admin', '/tenant audit export --since 2026-12-01')).reply!)[0]!;
    exportsInChat.push(file.path);
    chatExport = readFileSync(file.path, 'utf8');
    await bot.stop();
    bot = undefined;
  });
  afterEach(async () => {
    await bot?.stop();
  });
  afterAll(() => {
    for (const path of exportsInChat) rmSync(path, { force: true });
  });

  const env = () => ({ STORE_URL: store.url, ...(store.prefix ? { STORE_PREFIX: store.prefix } : {}) });

  it('writes JSON Lines from --since on, the same events as the export in chat, with a summary on stderr', async () => {
    const out = join(dir, `${uniquePrefix('a')}.jsonl`);
    const run = await auditExport(['--since', '2026-12-01', '--out', out], env());
    expect(run.err).toBe(
      `audit export: 2 events, from 2026-12-01T08:00:00.000Z to 2026-12-02T08:00:00.000Z (UTC), jsonl, written to ${out}\n`,
    );
    expect(run.code).toBe(0);
    const content = readFileSync(out, 'utf8');
    expect(content).toBe(chatExport);
    expect(parseJsonl(content).map((e) => [e.action, e.target, e.time])).toEqual([
      ['apikey.create', expect.stringMatching(/^k-[0-9a-f]{6}$/), '2026-12-01T08:00:00.000Z'],
      ['member.link', 'local:bob', '2026-12-02T08:00:00.000Z'],
    ]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(content).not.toContain(secret);
  });

  it('writes CSV of every event kept, and reads the store without writing to it', async () => {
    const out = join(dir, `${uniquePrefix('c')}.csv`);
    const run = await auditExport(['--out', out, '--format', 'csv'], env());
    expect(run.code).toBe(0);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.slice(1, -1).map((l) => l.split(',')[5])).toEqual(['member.link', 'apikey.create', 'member.link']);
    expect(readFileSync(out, 'utf8')).not.toContain(secret);

    // The bot, started again on the store, sees the log as it was: three entries, nothing added.
    bot = await TestBot.start({ storeUrl: store.url, ...(store.prefix ? { prefix: store.prefix } : {}) });
    expect((await bot.say('admin', '/tenant audit 200')).text).toMatch(/^Latest 3 changes:/);
  });
});

describe('npm run audit:export with several projects (LOCAL_PROJECTS=LAB1,LAB2)', () => {
  it('writes every project’s events, each naming its project, or only the one --project names; an unknown project is refused', async () => {
    const url = `sqlite://${join(dir, `${uniquePrefix('p')}.sqlite`)}`;
    const bot = await TestBot.start({ storeUrl: url, projects: ['LAB1', 'LAB2'], admins: ['LAB1:local:ann', 'LAB2:local:ben'] });
    await bot.say('ann', '/tenant link @alice alice');
    await bot.say('ben', '/tenant link @bob bob');
    await bot.say('bob', '/apikey create');
    await bot.stop(true);
    const env = { STORE_URL: url, LOCAL_PROJECTS: 'LAB1,LAB2' };

    const all = join(dir, `${uniquePrefix('all')}.jsonl`);
    expect((await auditExport(['--out', all], env)).err).toMatch(/^audit export: 3 events, from /);
    expect(parseJsonl(readFileSync(all, 'utf8')).map((e) => [e.project, e.action, e.target])).toEqual([
      ['LAB1', 'member.link', 'local:alice'],
      ['LAB2', 'member.link', 'local:bob'],
      ['LAB2', 'apikey.create', expect.stringMatching(/^k-/)],
    ]);

    const lab1 = join(dir, `${uniquePrefix('lab1')}.jsonl`);
    expect((await auditExport(['--out', lab1, '--project', 'lab1'], env)).code).toBe(0);
    expect(parseJsonl(readFileSync(lab1, 'utf8')).map((e) => [e.project, e.action])).toEqual([['LAB1', 'member.link']]);

    const refused = await auditExport(['--out', join(dir, 'none.jsonl'), '--project', 'LAB3'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("--project LAB3: not one of this deployment's projects (LAB1, LAB2)");
  });
});

describe('npm run audit:export refuses what it cannot do, saying why', () => {
  it('without --out, with a bad --since or --format, or an unknown flag: exit 2 and the usage', async () => {
    const url = { STORE_URL: `sqlite://${join(dir, 'none.sqlite')}` };
    for (const [args, said] of [
      [[], '--out FILE is required'],
      [['--out', join(dir, 'x'), '--since', 'yesterday'], '--since: must be a date (2026-12-01) or an RFC 3339 time'],
      [['--out', join(dir, 'x'), '--format', 'xml'], '--format must be jsonl or csv'],
      [['--out', join(dir, 'x'), '--until', '2026-12-01'], "Unknown option '--until'"],
    ] as const) {
      const run = await auditExport([...args], url);
      expect(run.code, said).toBe(2);
      expect(run.err).toContain(said);
      expect(run.err).toContain(AUDIT_EXPORT_USAGE.split('\n')[0]);
    }
    expect(parseAuditExportArgs(['--help'])).toEqual({ ok: 'help' });
  });

  it('a SQLite file that is not there is an error (exit 1), not an empty export, and no file is made', async () => {
    const out = join(dir, 'never.jsonl');
    const run = await auditExport(['--out', out], { STORE_URL: `sqlite://${join(dir, 'missing', 'store.sqlite')}` });
    expect(run.code).toBe(1);
    expect(run.err).toContain('STORE_URL names no store');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('the store it reads refuses every write', async () => {
    const store = readOnly(memoryStore());
    await expect(store.collection('audit').put('x', {})).rejects.toThrow('audit export is read-only: put refused');
    await expect(store.increment('log:audit:number', 1000)).rejects.toThrow('read-only');
    await expect(store.claim('lease', 1000)).rejects.toThrow('read-only');
    expect(await store.count('log:audit:number')).toBe(0);
  });
});
