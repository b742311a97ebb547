import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectMatchesChatView, parseJsonl } from '../../helpers/audit-export.js';
import { alice, bob, Harness } from './harness.js';

const EPHEMERAL = 1 << 6;

/** The folder the bot writes its export files in (os.tmpdir() reads TMPDIR at each call). */
let exports: string;
const tmpBefore = process.env.TMPDIR;
let h: Harness | undefined;

beforeEach(() => {
  exports = mkdtempSync(join(tmpdir(), 'chatops-discord-exports-'));
  process.env.TMPDIR = exports;
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  rmSync(exports, { recursive: true, force: true });
});

const exportFilesLeft = () => readdirSync(exports).filter((f) => f.startsWith('twcc-'));

describe.each([
  ['the gateway', false],
  ['HTTP interactions', true],
])('/tenant audit export on Discord over %s', (_transport, overHttp) => {
  it('attaches the file to a private answer with the summary; its lines parse and match /tenant audit; no secret in it', async () => {
    h = await Harness.start({ overHttp });
    await h.run(alice, 'tenant', 'link', { user: bob, member: 'bob' });
    const created = h.shown(await h.run(bob, 'apikey', 'create'));
    const secret = /`(twcc_[A-Za-z0-9_-]+)`/.exec(created)![1]!;
    const view = h.shown(await h.run(alice, 'tenant', 'audit', { count: 200 }));

    const sent = await h.run(alice, 'tenant', 'audit', { export: true });
    // Deferred privately, then the "thinking" message becomes the answer, with the file attached (multipart).
    expect(sent.callback?.type).toBe(5);
    const answer = h.fake.original(sent);
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.content).toMatch(
      /^Audit export \(JSON Lines\): 2 entries, from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\. Sent to you privately as `audit-local-\d{4}-\d{2}-\d{2}\.jsonl`\.$/,
    );
    await h.fake.until(() => answer.attachments.length > 0, 20_000, 'the attachment');
    expect(answer.attachments).toHaveLength(1);
    const [file] = answer.attachments;
    expect(file!.filename).toMatch(/^audit-local-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const content = file!.content.toString('utf8');
    const events = parseJsonl(content);
    expectMatchesChatView(events, view);
    expect(events.map((e) => [e.action, e.actor.chat])).toEqual([
      ['member.link', 'discord:1001'],
      ['apikey.create', 'discord:1002'],
    ]);
    expect(content).not.toContain(secret);
    // Deleted once sent: the adapter's stop waits for the answer's work to end.
    await h.close();
    h = undefined;
    expect(exportFilesLeft()).toEqual([]);
  });

  it('takes since and format as options: a CSV from a date on', async () => {
    h = await Harness.start({ overHttp });
    await h.run(alice, 'tenant', 'link', { user: bob, member: 'bob' });
    const sent = await h.run(alice, 'tenant', 'audit', { since: '2000-01-01', format: 'csv' });
    const answer = h.fake.original(sent);
    await h.fake.until(() => answer.attachments.length > 0, 20_000, 'the attachment');
    const lines = answer.attachments[0]!.content.toString('utf8').split('\r\n');
    expect(answer.attachments[0]!.filename).toMatch(/\.csv$/);
    expect(lines[0]).toMatch(/^event_id,time,actor\.member,/);
    expect(lines[1]).toMatch(/,member\.link,discord:1002,applied,/);

    const bad = h.shown(await h.run(alice, 'tenant', 'audit', { export: true, since: 'last week' }));
    expect(bad).toContain('`last week` is not a date');
  });
});

describe('an export larger than Discord takes', () => {
  it('is not attached, and the answer says so in the user’s words instead of staying “thinking…”', async () => {
    h = await Harness.start({ attachmentMaxBytes: 100 });
    await h.run(alice, 'tenant', 'link', { user: bob, member: 'bob' });
    const sent = await h.run(alice, 'tenant', 'audit', { export: true });
    const answer = h.fake.original(sent);
    await h.fake.until(() => /larger than Discord/.test(answer.content), 20_000, 'the too-large notice');
    expect(answer.content).toMatch(
      /^Audit export \(JSON Lines\): 1 entry, from .+\. Sent to you privately as `(audit-local-[\d-]+\.jsonl)`\.\nThe file `\1` \(0\.0 MiB\) is larger than Discord lets a bot attach, so it was not sent\.$/,
    );
    expect(answer.attachments).toEqual([]);
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    await h.close();
    h = undefined;
    expect(exportFilesLeft()).toEqual([]);
  });
});
