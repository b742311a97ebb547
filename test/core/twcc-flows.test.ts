import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TwccBackend } from '../../src/backends/twcc/index.js';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { TestBot } from '../helpers/test-bot.js';

/** The core's conversations on the twcc backend: the real undici client against the fake TWCC. */
let fake: FakeTwcc;
let bot: TestBot;

async function start(quotaWrite: boolean): Promise<void> {
  fake = await startFakeTwcc();
  bot = await TestBot.start({
    admins: [],
    backend: (store) =>
      new TwccBackend({
        apiUrl: fake.url,
        project: fake.project.name,
        vcsSite: fake.sites.vcs,
        ccsSite: fake.sites.ccs,
        quotaWrite,
        store,
        encryptionKey: randomBytes(32),
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      }),
  });
}

afterEach(async () => {
  await bot.stop();
  await fake.close();
});

describe('on the twcc backend', () => {
  it('login links a member with their TWCC role; whoami shows the TWCC username', async () => {
    await start(false);
    expect((await bot.say('alice', '/apikey list')).text).toContain('Run `/tenant login` with your own TWCC API key first.');
    expect(fake.requests).toHaveLength(0);
    expect((await bot.say('alice', '/tenant login')).where).toBe('modal');
    expect((await bot.login('alice', 'not-a-valid-key-at-all')).text).toBe('Login failed: TWCC did not accept that key. Nothing was saved.');
    expect((await bot.login('alice', fake.users.alice!.expiredKey)).text).toBe('Login failed: TWCC did not accept that key (it has expired). Nothing was saved.');
    const ok = await bot.login('alice', fake.users.alice!.apiKey);
    expect(ok.text).toBe(`You are linked to TWCC user \`${fake.users.alice!.username}\` as a tenant user. Your key is stored encrypted; \`/tenant logout\` forgets it.`);
    expect(ok.text).not.toContain(fake.users.alice!.apiKey);
    expect((await bot.say('alice', '/tenant whoami')).text).toBe(
      `Chat user: local:alice\nMember: ${fake.users.alice!.username}\nRole: user\nBackend: TWCC\nLogin: through TWCC’s users endpoint (/api/v2/users/)`,
    );
    await bot.login('admin', fake.users.admin!.apiKey);
    expect((await bot.say('admin', '/tenant whoami')).text).toContain('Role: admin');
    expect((await bot.say('admin', '/tenant link @bob bob')).text).toContain('members link themselves with `/tenant login`');
  });

  it('a key is created, extended and deleted with the member’s own TWCC key', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    const created = await bot.say('alice', '/apikey create');
    expect(created.reply).toMatchObject({ visibility: 'ephemeral', secret: true });
    const id = /New API key `([^`]+)`/.exec(created.text)![1]!;
    expect((await bot.say('alice', `/apikey extend ${id} 30`)).text).toMatch(new RegExp(`^Key \`${id}\` now expires`));
    const patch = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patch).toHaveLength(1);
    expect(patch[0]).toMatchObject({ path: `/api_key/${id}/`, body: { reset_expired_days: 30 }, headers: { 'x-api-key': fake.users.alice!.apiKey, 'x-api-host': 'admin' } });
    await bot.say('alice', `/apikey delete ${id}`);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect((await bot.click('Delete', 'alice')).text).toBe(`Deleted \`${id}\`.`);
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/api_key/${id}/`]);
  });

  it('an approved request applies exactly one PATCH with memory in MB', async () => {
    await start(true);
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.login('admin', fake.users.admin!.apiKey);
    await bot.say('alice', '/quota request vcs gpu=4 memory=64G for the thesis');
    expect(bot.posts('approvals')[0]?.text).toContain('@alice asks for more VCS quota');
    await Promise.all([bot.click('Approve', 'admin'), bot.click('Approve', 'admin')]);
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.path).toBe(`/api/v3/${fake.sites.vcs}/projects/${fake.project.ids[fake.sites.vcs]}/user_quotas/`);
    expect(patches[0]!.query).toEqual({ user: fake.users.alice!.id });
    expect(patches[0]!.body).toMatchObject({ gpu: 4, memory: 65536 });
    expect(bot.posts('dm', 'alice')[0]?.text).toContain('Approved by @admin and applied.');
  });

  it('with quota writes off, an approval says to apply it on the portal', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.login('admin', fake.users.admin!.apiKey);
    await bot.say('alice', '/quota request vcs gpu=4');
    expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @admin: apply it on the portal’s Quota page');
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('an admin asking for another member’s keys is told how TWCC works', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.login('admin', fake.users.admin!.apiKey);
    expect((await bot.say('admin', '/apikey list @alice')).text).toBe('On TWCC a key sees only its own user’s keys: ask that member to run `/apikey list`.');
  });

  it('TWCC failing is reported in words, never as a stack trace', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    fake.failNext(503, 10);
    const said = await bot.say('alice', '/apikey create');
    expect(said.text).toMatch(/^TWCC did not answer in time or is unavailable\./);
    expect(said.text).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
