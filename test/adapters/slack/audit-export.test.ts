import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../../src/core/audit-event.js';
import { expectMatchesChatView, parseJsonl } from '../../helpers/audit-export.js';
import { World, type Person } from './harness.js';

let world: World;
let admin: Person;
let alice: Person;

/** The folder the bot writes its export files in (os.tmpdir() reads TMPDIR at each call). */
let exports: string;
const tmpBefore = process.env.TMPDIR;

beforeEach(async () => {
  exports = mkdtempSync(join(tmpdir(), 'chatops-slack-exports-'));
  process.env.TMPDIR = exports;
  world = await World.start();
  admin = world.person('UADMIN1', 'admin1');
  alice = world.person('UALICE', 'alice');
});

afterEach(async () => {
  await world.close();
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  rmSync(exports, { recursive: true, force: true });
});

const exportFilesLeft = () => readdirSync(exports).filter((f) => f.startsWith('twcc-'));

describe('/tenant audit export on Slack', () => {
  it('uploads the file to the admin’s DM (files.uploadV2’s three steps) and answers privately with the summary', async () => {
    expect(exportFilesLeft()).toEqual([]);
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const created = await (await alice.types('/apikey create')).answer();
    const secret = /`(twcc_[A-Za-z0-9_-]+)`/.exec(created.readable)![1]!;
    const view = (await (await admin.types('/tenant audit 200')).answer()).readable;

    const sent = await admin.types('/tenant audit export');
    const answer = await sent.answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.readable).toMatch(
      /^Audit export \(JSON Lines\): 2 entries, from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\. Sent to you privately as `audit-local-\d{4}-\d{2}-\d{2}\.jsonl`\.\n<context>$/,
    );

    // Asked with its length, POSTed, then completed into the admin's DM (conversations.open's D… channel).
    const [file] = [...world.fake.files.values()];
    expect(world.fake.files.size).toBe(1);
    expect(file).toMatchObject({ channel: 'DADMIN1', contentType: 'application/x-ndjson', filename: expect.stringMatching(/^audit-local-.*\.jsonl$/) });
    expect(file!.initialComment).toContain('Audit export (JSON Lines): 2 entries');
    const asked = world.fake.callsTo('files.getUploadURLExternal')[0]!;
    expect(Number(asked.args.length)).toBe(file!.content!.length);
    expect(world.fake.callsTo('files.completeUploadExternal')).toHaveLength(1);

    const content = file!.content!.toString('utf8');
    const events = parseJsonl(content);
    expectMatchesChatView(events, view);
    expect(events.map((e) => [e.action, e.actor.chat])).toEqual([
      ['member.link', 'slack:UADMIN1'],
      ['apikey.create', 'slack:UALICE'],
    ]);
    expect(events.every((e) => AuditEvent.safeParse(e).success && e.actor.platform === 'slack')).toBe(true);
    // No secret in any exported byte, nor anywhere else the bot sent or logged.
    expect(content).not.toContain(secret);
    expect(world.publicRecord()).not.toContain(secret);
  });

  it('CSV too; the temporary file is gone once uploaded', async () => {
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    await (await admin.types('/tenant audit export --format csv')).answer();
    const [file] = [...world.fake.files.values()];
    expect(file).toMatchObject({ channel: 'DADMIN1', contentType: 'text/csv', filename: expect.stringMatching(/\.csv$/) });
    const lines = file!.content!.toString('utf8').split('\r\n');
    expect(lines[0]).toMatch(/^event_id,time,actor\.member/);
    expect(lines[1]).toMatch(/,member\.link,slack:UALICE,applied,/);
    const line = await world.logged('"audit":true');
    expect(JSON.parse(line)).toMatchObject({ audit: true, action: 'member.link', result: 'applied', actor: { chat: 'slack:UADMIN1', platform: 'slack' } });
    expect(exportFilesLeft()).toEqual([]);
  });

  it('a failed upload is told to the admin with an error reference, and the file is still deleted', async () => {
    world.fake.failWith('files.completeUploadExternal', 'not_in_channel');
    const sent = await admin.types('/tenant audit export');
    const answer = await sent.answer();
    expect(answer.readable).toMatch(/^Something went wrong on our side; nothing was changed\. \(ref [0-9a-f]{8}\)$/);
    expect(world.fake.files.size).toBe(1);
    expect([...world.fake.files.values()][0]!.channel).toBeUndefined();
    expect(await world.logged('Slack handling failed')).toContain('not_in_channel');
    expect(exportFilesLeft()).toEqual([]);
  });
});
