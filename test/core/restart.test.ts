import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('restart', () => {
  it('a pending confirmation and a pending approval from one instance are completed by the next', async () => {
    const file = join(dir, 'bot.sqlite');
    const first = await TestBot.start({ file, admins: ['local:admin', 'local:carol'] });
    await first.say('admin', '/tenant link @alice alice');
    const keyId = /`(k-[0-9a-f]+)`/.exec((await first.say('alice', '/apikey create')).text)![1]!;
    await first.say('alice', `/apikey delete ${keyId}`);
    await first.say('alice', '/quota request vcs gpu=3 thesis');
    const deleteId = first.button('Delete').id;
    const approveId = first.button('Approve').id;
    await first.stop(true);

    const second = await TestBot.start({ file, admins: ['local:admin', 'local:carol'] });
    expect((await second.clickId(deleteId, 'alice')).text).toBe(`Deleted \`${keyId}\`.`);
    expect((await second.clickId(approveId, 'carol')).text).toContain('Approved by @carol and applied.');
    expect((await second.say('alice', '/quota show vcs')).text).toMatch(/alice\s+0 \/ 8\s+0 \/ 3/);
    expect((await second.say('alice', '/apikey list')).text).toBe('You have no API keys. `/apikey create` makes one.');
    // A third instance sees both decided: nothing runs twice.
    await second.stop(true);
    const third = await TestBot.start({ file });
    expect((await third.clickId(deleteId, 'alice')).text).toBe('This has already been handled.');
    expect((await third.clickId(approveId, 'admin')).text).toBe('This has already been handled.');
    await third.stop(true);
  });
});
