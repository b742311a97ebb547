import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/core/audit.js';
import { AuditEvent, CSV_COLUMNS } from '../../src/core/audit-event.js';
import { filesOf, type FileAttachment } from '../../src/core/reply.js';
import { REDACTED_PATHS, silentLogger } from '../../src/log.js';
import { memoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/port.js';
import { expectMatchesChatView, parseJsonl } from '../helpers/audit-export.js';
import { TestBot, type Said } from '../helpers/test-bot.js';
import { startFakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';

let bot: TestBot;
/** Export files the core wrote (an adapter would have sent and deleted them). */
const written: string[] = [];
/** This test's own folder for the export files: os.tmpdir() reads TMPDIR at each call. */
let exports: string;
const tmpBefore = process.env.TMPDIR;
beforeEach(() => {
  exports = mkdtempSync(join(tmpdir(), 'chatops-audit-exports-'));
  process.env.TMPDIR = exports;
});
afterEach(async () => {
  await bot.stop();
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  for (const path of written.splice(0)) expect(dirname(path)).toBe(exports);
  // Only this test's own folder, never the system's temp folder itself.
  expect(basename(exports)).toMatch(/^chatops-audit-exports-/);
  rmSync(exports, { recursive: true, force: true });
});

const secretIn = (text: string) => /`(twcc_[A-Za-z0-9_-]+)`/.exec(text)![1]!;
const keyIdIn = (text: string) => /`(k-[0-9a-f]+)`/.exec(text)![1]!;

function fileOf(said: Said): FileAttachment {
  const files = said.reply ? filesOf(said.reply) : [];
  expect(files, said.text).toHaveLength(1);
  written.push(files[0]!.path);
  return files[0]!;
}

/** Every line the bot logs, at trace level, redacted as in production. */
function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink), lines };
}

/** A morning of changes: a link, a key made and extended, a quota asked, approved and applied, one declined. */
async function someChanges(b: TestBot): Promise<{ secret: string; keyId: string }> {
  await b.say('admin', '/tenant link @alice alice');
  await b.say('admin', '/tenant link @bob bob admin');
  const created = await b.say('alice', '/apikey create');
  const secret = secretIn(created.text);
  const keyId = keyIdIn(created.text);
  await b.say('alice', `/apikey extend ${keyId} 5`);
  await b.say('alice', '/quota request vcs gpu=2 a model to train');
  await b.click('Approve', 'bob');
  await b.say('alice', '/quota request vcs gpu=4 a bigger one');
  await b.click('Reject', 'bob');
  return { secret, keyId };
}

describe('/tenant audit export in chat', () => {
  it('answers with a private file of JSON Lines, one event per change, matching /tenant audit, with a one-line summary', async () => {
    let clock = Date.parse('2026-12-07T01:00:00.000Z');
    bot = await TestBot.start({ now: () => (clock += 60_000), timeZone: 'Asia/Taipei' });
    const { secret, keyId } = await someChanges(bot);

    const view = (await bot.say('admin', '/tenant audit 200')).text;
    const exported = await bot.say('admin', '/tenant audit export');
    expect(exported.reply?.visibility).toBe('ephemeral');
    const file = fileOf(exported);
    expect(file).toMatchObject({ name: 'audit-local-2026-12-07.jsonl', contentType: 'application/x-ndjson', temporary: true });
    const content = readFileSync(file.path, 'utf8');
    expect(file.bytes).toBe(Buffer.byteLength(content));
    const events = parseJsonl(content);
    expectMatchesChatView(events, view);

    // The summary: how many, and the first and last time in the reader's zone and style.
    const first = events[0]!;
    const last = events.at(-1)!;
    expect(exported.text.split('\n')[0]).toBe(
      `Audit export (JSON Lines): ${events.length} entries, from ${taipei(first.time)} to ${taipei(last.time)}. Sent to you privately as \`audit-local-2026-12-07.jsonl\`.`,
    );
    expect(first.time).toMatch(/^2026-12-07T01:\d{2}:00\.000Z$/);

    // Exported names and results, the key by its id, the request by its id; never the secret.
    expect(events.map((e) => `${e.action} ${e.result}`)).toEqual([
      'member.link applied',
      'member.link applied',
      'apikey.create applied',
      'apikey.extend applied',
      'quota.request applied',
      'quota.approve applied',
      'quota.apply applied',
      'quota.request applied',
      'quota.reject refused',
    ]);
    expect(events.find((e) => e.action === 'apikey.create')).toMatchObject({ target: keyId, actor: { member: 'alice', chat: 'local:alice', platform: 'local' }, project: 'local' });
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    // Each quota event names its request: the first three the first request, the last two the second.
    const quota = events.filter((e) => e.action.startsWith('quota.'));
    const [first1, second1] = [quota[0]!.request_id, quota[3]!.request_id];
    expect(first1).toMatch(/^[\w-]{6,}$/);
    expect(second1).toMatch(/^[\w-]{6,}$/);
    expect(first1).not.toBe(second1);
    expect(quota.map((e) => e.request_id)).toEqual([first1, first1, first1, second1, second1]);
    expect(events.filter((e) => !e.action.startsWith('quota.')).every((e) => e.request_id === null)).toBe(true);
    expect(content).not.toContain(secret);
    expect(content).not.toContain(secret.slice(6, 30));
  });

  it('--since keeps the entries from that day (UTC) on; --format csv writes a header and one row per event', async () => {
    let clock = Date.parse('2026-11-30T23:30:00.000Z');
    bot = await TestBot.start({ now: () => clock });
    await bot.say('admin', '/tenant link @alice alice');
    clock = Date.parse('2026-12-01T00:00:00.000Z');
    await bot.say('admin', '/tenant link @bob bob');
    clock = Date.parse('2026-12-01T00:30:00.000Z');
    await bot.say('admin', '/tenant link @carol carol');

    const since = await bot.say('admin', '/tenant audit export --since 2026-12-01');
    const events = parseJsonl(readFileSync(fileOf(since).path, 'utf8'));
    expect(events.map((e) => e.target)).toEqual(['local:bob', 'local:carol']);
    expect(since.text).toMatch(/^Audit export \(JSON Lines\): 2 entries, from 2026-12-01 00:00:00 to 2026-12-01 00:30:00\./);

    const csv = await bot.say('admin', '/tenant audit export --format csv --since=2026-12-01T00:15:00Z');
    const file = fileOf(csv);
    expect(file).toMatchObject({ contentType: 'text/csv' });
    expect(file.name).toMatch(/\.csv$/);
    const lines = readFileSync(file.path, 'utf8').split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.slice(1, -1)).toHaveLength(1);
    expect(lines[1]).toMatch(/^[^,]+,2026-12-01T00:30:00\.000Z,admin,local:admin,local,member\.link,local:carol,applied,,local,ok,carol as user,local,general,link\.created$/);
    expect(lines.at(-1)).toBe('');

    const none = await bot.say('admin', '/tenant audit export --since 2030-01-01');
    expect(none.text.split('\n')[0]).toBe('Audit export (JSON Lines): no entries. Sent to you privately as `audit-local-2026-12-01.jsonl`.');
    expect(readFileSync(fileOf(none).path, 'utf8')).toBe('');
  });

  it('is for admins; bad flags are refused with the usage', async () => {
    bot = await TestBot.start();
    await bot.say('admin', '/tenant link @alice alice');
    const refused = await bot.say('alice', '/tenant audit export');
    expect(refused.reply && filesOf(refused.reply)).toEqual([]);
    expect(refused.text).toMatch(/admin/i);

    const usage = 'Usage: `/tenant audit [count] [export [--since 2026-12-01] [--format jsonl|csv]]`';
    expect((await bot.say('admin', '/tenant audit export --format xml')).text).toContain('`xml` is not an export format: `jsonl` or `csv`');
    expect((await bot.say('admin', '/tenant audit export --since yesterday')).text).toContain('`yesterday` is not a date');
    expect((await bot.say('admin', '/tenant audit export --since')).text).toContain('`--since` needs a value');
    expect((await bot.say('admin', '/tenant audit export --until 2026-12-01')).text).toContain('`--until` is not an export option');
    expect((await bot.say('admin', '/tenant audit export --format csv --format jsonl')).text).toContain('`--format` is given twice');
    expect((await bot.say('admin', '/tenant audit exprot')).text).toContain(usage);
    expect((await bot.say('admin', '/tenant audit 5 export')).text).toBe(
      '`export` takes no count: `/tenant audit export [--since 2026-12-01] [--format jsonl|csv]` exports every entry kept.',
    );
    // zh-TW words too.
    expect((await bot.say('admin', '/tenant audit export --format xml', 'zh-TW')).text).toContain('`xml` 不是匯出格式');
    const zh = await bot.say('admin', '/tenant audit export', 'zh-TW');
    expect(zh.text).toMatch(/^稽核紀錄匯出（JSON Lines）：共 1 筆，從 \S+ \S+ 到 \S+ \S+。已私下傳給你：`audit-local-\d{4}-\d{2}-\d{2}\.jsonl`。/);
  });
});

describe('one clock for people (item 5)', () => {
  it('every time in /tenant audit is in the reader’s style and TZ, details included; the export keeps UTC', async () => {
    let clock = Date.parse('2026-12-07T20:00:00.000Z');
    bot = await TestBot.start({ now: () => (clock += 1000), timeZone: 'Asia/Taipei' });
    await bot.say('admin', '/tenant link @alice alice');
    const keyId = keyIdIn((await bot.say('alice', '/apikey create')).text);
    await bot.say('alice', `/apikey extend ${keyId} 5`);
    const view = (await bot.say('admin', '/tenant audit')).text;
    // No UTC ISO stamp anywhere in the view; the times are Taipei's (UTC+8: the next day).
    expect(view).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(view).toContain('when (Asia/Taipei)');
    expect(view).toMatch(/^2026-12-08 04:00:\d\d\s+local:alice\s+key\.extended\s+k-\w+\s+ok\s+\+5d applied → \d{4}-\d{2}-\d{2}$/m);
    const zhView = (await bot.say('admin', '/tenant audit', 'zh-TW')).text;
    expect(zhView).toMatch(/2026\/12\/08 04:00:\d\d/);
    expect(zhView).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

    const events = parseJsonl(readFileSync(fileOf(await bot.say('admin', '/tenant audit export')).path, 'utf8'));
    const extended = events.find((e) => e.action === 'apikey.extend')!;
    expect(extended.time).toMatch(/^2026-12-07T20:00:\d\d\.\d{3}Z$/);
    expect(extended.details.text).toMatch(/^\+5d applied → \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // The detail's expiry, UTC in the export, is the Taipei date in chat.
    const expires = taipei(extended.details.text!.split('→ ')[1]!).slice(0, 10);
    expect(view).toContain(`+5d applied → ${expires}`);
    expect(zhView).toContain(`到期日 ${expires.replaceAll('-', '/')}`);
  });
});

describe('each audit event is one info log line (item 6)', () => {
  it('with "audit": true and the exported fields, and no secret in any line', async () => {
    const { logger, lines } = capture();
    bot = await TestBot.start({ logger });
    const { secret } = await someChanges(bot);
    const exported = parseJsonl(readFileSync(fileOf(await bot.say('admin', '/tenant audit export')).path, 'utf8'));

    const auditLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true);
    expect(auditLines).toHaveLength(exported.length);
    for (const [i, line] of auditLines.entries()) {
      expect(line.level).toBe(30);
      const { audit: _audit, level: _level, time: _logTime, pid: _pid, hostname: _hostname, msg, event_time, ...fields } = line;
      expect(msg).toBe(`audit ${exported[i]!.action} ${exported[i]!.result}`);
      expect(AuditEvent.parse({ ...fields, time: event_time })).toEqual(exported[i]);
    }
    expect(lines.join('\n')).not.toContain(secret);
  });
});

describe('no TWCC credential in any exported or logged byte', () => {
  it('logins with TWCC API keys (one refused, two accepted) and a key made on TWCC: the file and the log lines name none of them', async () => {
    const fake = await startFakeTwcc();
    try {
      const { logger, lines } = capture();
      bot = await TestBot.start({ backend: twccBackendOn(fake), logger });
      await bot.login('alice', 'not-a-valid-key-at-all');
      await bot.login('alice', fake.users.alice!.apiKey);
      await bot.login('admin', fake.users.admin!.apiKey);
      const created = await bot.say('alice', '/apikey create');
      const file = fileOf(await bot.say('admin', '/tenant audit export'));
      const content = readFileSync(file.path, 'utf8');
      const events = parseJsonl(content);
      expect(events.map((e) => `${e.action} ${e.result}`)).toEqual(['member.login not_applied', 'member.login applied', 'member.login applied', 'apikey.create applied']);
      expect(events[0]!.actor.member).toBeNull();
      expect(events[3]!.project).toBe('local');
      const logged = lines.join('\n');
      for (const secret of [fake.users.alice!.apiKey, fake.users.admin!.apiKey, 'not-a-valid-key-at-all', ...(/`(\S{20,})`/.exec(created.text)?.slice(1) ?? [])]) {
        expect(content).not.toContain(secret);
        expect(logged).not.toContain(secret);
      }
    } finally {
      await fake.close();
    }
  });
});

describe('AuditLog.export reads forwards a page at a time', () => {
  /** A store that records the size of every getMany on the audit log. */
  function spying(store: Store, reads: number[]): Store {
    return {
      ...store,
      collection: <T>(name: Parameters<Store['collection']>[0]) => {
        const c = store.collection<T>(name);
        return name === 'audit' ? { ...c, getMany: (ids: string[]) => (reads.push(ids.length), c.getMany(ids)) } : c;
      },
    } as Store;
  }

  it('never asks for more than a page, skips what AUDIT_KEEP pruned, and exports oldest first', async () => {
    const reads: number[] = [];
    let clock = Date.parse('2026-12-01T00:00:00.000Z');
    const store = spying(memoryStore(), reads);
    const log = new AuditLog(store, () => (clock += 1000), silentLogger(), 25, 'GOV1');
    for (let i = 1; i <= 60; i++) await log.append({ actor: 'local:admin', platform: 'local', workspace: 'w', channel: 'c', action: 'key.deleted', target: `k-${i}`, outcome: 'ok' });

    reads.length = 0;
    const seen: AuditEvent[] = [];
    const summary = await log.export(undefined, (e) => void seen.push(e), 10);
    // The newest 25 are kept: k-36 … k-60, read in three pages (10, 10, 5) and nothing below.
    expect(seen.map((e) => e.target)).toEqual(Array.from({ length: 25 }, (_, i) => `k-${i + 36}`));
    expect(reads).toEqual([10, 10, 5]);
    expect(summary).toEqual({ entries: 25, first: seen[0]!.time, last: seen.at(-1)!.time });
    expect(seen.every((e) => e.project === 'GOV1' && e.action === 'apikey.delete')).toBe(true);
  });
});

/** `2026-12-07 09:02:00` for a UTC ISO time, in Asia/Taipei (UTC+8, no DST). */
const taipei = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

it('temporary export files are private to the bot’s user', async () => {
  bot = await TestBot.start();
  const file = fileOf(await bot.say('admin', '/tenant audit export'));
  expect(existsSync(file.path)).toBe(true);
  const { statSync } = await import('node:fs');
  expect(statSync(file.path).mode & 0o777).toBe(0o600);
});
