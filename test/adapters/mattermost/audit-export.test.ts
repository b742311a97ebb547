import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MattermostClient } from '../../../adapters/mattermost/client.js';
import { AuditEvent } from '../../../src/core/audit-event.js';
import { BOT_TOKEN } from '../../fakes/mattermost.js';
import { expectMatchesChatView, parseJsonl } from '../../helpers/audit-export.js';
import { World, type Person } from './harness.js';

let world: World;
let admin: Person;
let alice: Person;

/** The folder the bot writes its export files in (os.tmpdir() reads TMPDIR at each call). */
let exports: string;
const tmpBefore = process.env.TMPDIR;

beforeEach(async () => {
  exports = mkdtempSync(join(tmpdir(), 'chatops-mattermost-exports-'));
  process.env.TMPDIR = exports;
  world = await World.start();
  admin = world.person('uadmin1', 'admin1');
  alice = world.person('ualice', 'alice');
});

afterEach(async () => {
  await world.close();
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  rmSync(exports, { recursive: true, force: true });
});

const exportFilesLeft = () => readdirSync(exports).filter((f) => f.startsWith('twcc-'));
const SUMMARY = /^Audit export \(JSON Lines\): 2 entries, from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\. Sent to you privately as `audit-local-\d{4}-\d{2}-\d{2}\.jsonl`\.$/;

describe('/tenant audit export on Mattermost', () => {
  it('uploads the file into the admin’s DM with the bot (POST /files, then a post with file_ids) and answers privately with the summary', async () => {
    expect(exportFilesLeft()).toEqual([]);
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const created = await (await alice.types('/apikey create')).answer();
    const secret = /`(twcc_[A-Za-z0-9_-]+)`/.exec(created.readable)![1]!;
    const view = (await (await admin.types('/tenant audit 200')).answer()).readable;

    const answer = await (await admin.types('/tenant audit export')).answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.post.ephemeralTo).toBe('uadmin1');
    expect(answer.post.channel_id).not.toBe(world.fake.dmChannelOf('uadmin1'));
    expect(answer.readable).toMatch(SUMMARY);

    // One upload, into the DM channel, multipart: channel_id first, then the file with its name and type.
    expect(world.fake.files.size).toBe(1);
    const [file] = [...world.fake.files.values()];
    expect(file).toMatchObject({ channel_id: 'dm-uadmin1', contentType: 'application/x-ndjson', filename: expect.stringMatching(/^audit-local-\d{4}-\d{2}-\d{2}\.jsonl$/) });
    const upload = world.fake.callsTo('POST', '/files');
    expect(upload).toHaveLength(1);
    expect(upload[0]!.body).toEqual({ channel_id: 'dm-uadmin1', files: { filename: file!.filename, contentType: 'application/x-ndjson', bytes: file!.content.length } });
    expect(answer.readable).toContain(`\`${file!.filename}\``);

    // The DM post shows the file, the one-line summary beside it; nobody else's channel got it.
    const dm = await world.dmTo('uadmin1');
    expect(dm.post.file_ids).toEqual([file!.id]);
    expect(file!.post_id).toBe(dm.post.id);
    expect(dm.readable).toMatch(SUMMARY);
    expect(world.fake.callsTo('POST', '/posts').filter((c) => (c.body as { file_ids?: string[] }).file_ids)).toHaveLength(1);

    const content = file!.content.toString('utf8');
    const events = parseJsonl(content);
    expectMatchesChatView(events, view);
    expect(events.map((e) => [e.action, e.actor.chat])).toEqual([
      ['member.link', 'mattermost:uadmin1'],
      ['apikey.create', 'mattermost:ualice'],
    ]);
    expect(events.every((e) => AuditEvent.safeParse(e).success && e.actor.platform === 'mattermost')).toBe(true);
    // No secret in any exported byte, nor anywhere else the bot sent or logged.
    expect(content).not.toContain(secret);
    expect(world.publicRecord()).not.toContain(secret);
    expect(exportFilesLeft()).toEqual([]);
  });

  it('CSV too, in the reader’s language (zh-TW); the temporary file is gone once uploaded', async () => {
    const anna = world.person('uadmin2', 'anna', 'zh_TW');
    await (await anna.types(`/tenant link ${alice.mention} alice`)).answer();
    const answer = await (await anna.types('/tenant audit export --format csv')).answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.readable).toMatch(/^稽核紀錄匯出（CSV）：共 1 筆，從 .+ 到 .+。已私下傳給你：`audit-local-\d{4}-\d{2}-\d{2}\.csv`。$/);
    const [file] = [...world.fake.files.values()];
    expect(file).toMatchObject({ channel_id: 'dm-uadmin2', contentType: 'text/csv', filename: expect.stringMatching(/^audit-local-.*\.csv$/) });
    const lines = file!.content.toString('utf8').split('\r\n');
    expect(lines[0]).toMatch(/^event_id,time,actor\.member/);
    expect(lines[1]).toMatch(/,member\.link,mattermost:ualice,applied,/);
    const dm = await world.dmTo('uadmin2');
    expect(dm.post.file_ids).toEqual([file!.id]);
    expect(dm.readable).toContain('已私下傳給你');
    expect(exportFilesLeft()).toEqual([]);
  });

  it('a member who is not an admin is refused: nothing is written or uploaded', async () => {
    await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
    const answer = await (await alice.types('/tenant audit export')).answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.readable).toBe('Only a tenant admin may run `/tenant audit`. `/tenant whoami` shows your role.');
    expect(world.fake.callsTo('POST', '/files')).toEqual([]);
    expect(world.fake.files.size).toBe(0);
    expect(world.fake.postsIn(world.fake.dmChannelOf('ualice'))).toEqual([]);
    expect(exportFilesLeft()).toEqual([]);
  });

  it('a failed upload is told to the admin in words with an error reference; no DM post, and the file is still deleted', async () => {
    world.fake.failWith('POST /files', 413, 'api.file.upload_file.too_large_detailed.app_error');
    const sent = await admin.types('/tenant audit export');
    const answer = await sent.answer();
    expect(answer.ephemeral).toBe(true);
    expect(answer.readable).toMatch(/^Something went wrong on our side; nothing was changed\. \(ref [0-9a-f]{8}\)$/);
    expect(sent.answers()).toHaveLength(1);
    expect(world.fake.callsTo('POST', '/files')).toHaveLength(1);
    expect(world.fake.files.size).toBe(0);
    expect(world.fake.postsIn(world.fake.dmChannelOf('uadmin1'))).toEqual([]);
    const line = await world.logged('Mattermost handling failed');
    expect(line).toContain('POST /api/v4/files');
    expect(line).toContain('api.file.upload_file.too_large_detailed.app_error');
    expect(exportFilesLeft()).toEqual([]);
  });

  it('a DM post that fails after the upload is told in words too, and leaves no temporary file', async () => {
    world.fake.failWith('POST /posts', 403, 'api.context.permissions.app_error');
    const sent = await admin.types('/tenant audit export');
    const answer = await sent.answer();
    expect(answer.readable).toMatch(/^Something went wrong on our side; nothing was changed\. \(ref [0-9a-f]{8}\)$/);
    expect(world.fake.files.size).toBe(1);
    expect([...world.fake.files.values()][0]!.post_id).toBeUndefined();
    expect(exportFilesLeft()).toEqual([]);
    // The answer is the failure alone: the summary never claims a file that was not sent.
    expect(sent.answers().map((a) => a.readable)).toEqual([answer.readable]);
  });

  it('the upload is one multipart body of the announced length, its bytes exactly the file’s (a few MiB, binary, a quote in the name)', async () => {
    const path = join(exports, 'big.bin');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(path, bytes);
    const client = new MattermostClient(world.fake.url, BOT_TOKEN);
    try {
      const id = await client.uploadFile('dm-uadmin1', { name: 'big "x".bin', path, contentType: 'application/octet-stream', bytes: bytes.length });
      const file = world.fake.files.get(id)!;
      expect(file).toMatchObject({ channel_id: 'dm-uadmin1', filename: 'big %22x%22.bin', contentType: 'application/octet-stream' });
      expect(file.content.equals(bytes)).toBe(true);
    } finally {
      await client.close();
    }
  });
});
