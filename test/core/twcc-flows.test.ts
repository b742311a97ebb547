import { afterEach, describe, expect, it } from 'vitest';
import type { TwccBackendOptions } from '../../src/backends/twcc/index.js';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';
import { TestBot } from '../helpers/test-bot.js';

/** The core's conversations on the twcc backend: the real undici client against the fake TWCC. */
let fake: FakeTwcc;
let bot: TestBot;

async function start(quotaWrite: boolean, overrides: Partial<TwccBackendOptions> = {}): Promise<void> {
  fake = await startFakeTwcc();
  bot = await TestBot.start({
    admins: [],
    backend: twccBackendOn(fake, { quotaWrite, ...overrides }),
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
    expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @admin; waiting for the portal: a tenant admin (@admin, or another) should set @alice’s VCS quota to gpu 4 on [the portal’s Quota page](https://www.twcc.ai/)');
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

describe('on the twcc backend, when TWCC behaves as reported in 2026', () => {
  const NO_ROUTE = 'no route and no API found with those values';
  /** Short deadlines, so that a late answer is "no answer in time". */
  const impatient = { timeouts: { attemptMs: 150, headersMs: 150 } };

  it('a quota PATCH answered 200 "no route": the approval card says not applied, with what TWCC shows', async () => {
    await start(true);
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.login('admin', fake.users.admin!.apiKey);
    fake.quirks.noRoute = (r) => r.method === 'PATCH';
    await bot.say('alice', '/quota request vcs gpu=4');
    const card = await bot.click('Approve', 'admin');
    expect(card.text).not.toContain('applied.');
    expect(card.text.split('\n').at(-1)).toBe(
      `Approved by @admin, but not applied: TWCC now shows cpu 16, gpu 2, memory 64G. (TWCC answered: PATCH /api/v3/${fake.sites.vcs}/projects/1234/user_quotas/ answered 200 with only a message: "${NO_ROUTE}") Apply it on the portal’s Quota page.`,
    );
    expect(bot.posts('dm', 'alice')[0]?.text).toContain('but not applied: TWCC now shows cpu 16, gpu 2');
    expect((await bot.say('admin', '/tenant audit 1')).text).toMatch(/quota\.applied .*failed +not applied: /);
  });

  it('a DELETE that TWCC carries out but answers late says "may have been deleted"', async () => {
    await start(false, impatient);
    await bot.login('alice', fake.users.alice!.apiKey);
    const id = String(fake.users.alice!.keys[2]!.id);
    await bot.say('alice', `/apikey delete ${id}`);
    fake.answerLate(400, 3, (r) => r.method === 'DELETE');
    const done = await bot.click('Delete', 'alice');
    expect(done.text).toBe(
      `\`${id}\` may have been deleted: TWCC’s answer was late or unreadable, so the change may have been applied all the same. Check with \`/apikey list\` or \`/quota show\` before trying again. (DELETE /api_key/${id}/: no answer in time)`,
    );
    expect(done.text).not.toContain('not deleted');
    const rows = (await bot.say('alice', '/apikey list')).text;
    expect(rows).toMatch(/^You have 2 API keys:/);
    expect(rows).not.toMatch(new RegExp(`^${id} `, 'm'));
  });

  it('login works with /api/v2/users/ answering 404, for a tenant admin and for a member; whoami shows the path', async () => {
    await start(false);
    fake.quirks.usersEndpoint = 404;
    expect((await bot.login('admin', fake.users.admin!.apiKey)).text).toBe(
      'You are linked to TWCC user `u_admin01` as a tenant admin. Your key is stored encrypted; `/tenant logout` forgets it.',
    );
    expect((await bot.login('alice', fake.users.alice!.apiKey)).text).toBe(
      'You are linked to TWCC user `u_alice88` as a tenant user. Your key is stored encrypted; `/tenant logout` forgets it.',
    );
    expect((await bot.say('alice', '/tenant whoami')).text).toBe(
      'Chat user: local:alice\nMember: u_alice88\nRole: user\nBackend: TWCC\nLogin: through TWCC’s v3 project and quota calls (the users endpoint did not answer)',
    );
    expect((await bot.say('admin', '/tenant whoami')).text).toContain('Role: admin');
    expect((await bot.say('admin', '/quota show vcs')).text).toContain('u_bob42');
  });

  it('a key of another project is neither listed, nor extended, nor deletable', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    const other = String(fake.addKey('alice', { project: 'OTHER1234' }).id);
    const listed = await bot.say('alice', '/apikey list');
    expect(listed.text).toMatch(/^You have 3 API keys:/);
    expect(listed.text).not.toMatch(new RegExp(`^${other} `, 'm'));
    expect((await bot.say('alice', `/apikey delete ${other}`)).text).toBe(
      `\`${other}\`: That is not a key of this project; the bot manages only this project’s keys. (key ${other} belongs to another project than GOV108009) Nothing was deleted.`,
    );
    expect((await bot.say('alice', `/apikey extend ${other} 30`)).text).toContain('That is not a key of this project');
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('deleting the key you logged in with asks once more, and says to log in again', async () => {
    await start(false);
    const second = fake.users.alice!.keys[2]!;
    await bot.login('alice', second.key);
    const card = await bot.say('alice', `/apikey delete ${second.id}`);
    expect(card.text).toContain(`\`${second.id}\` is the key you logged in with: after deleting it the bot needs a new key, so run \`/tenant login\` with another one.`);
    expect(bot.button('Delete, I will log in again').confirm).toMatchObject({ title: 'Delete your login key?' });
    expect((await bot.click('Delete, I will log in again', 'alice')).text).toBe(
      `Deleted \`${second.id}\`. It was the key you logged in with: run \`/tenant login\` with another key.`,
    );
    // Another key of the same member asks as usual.
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.say('alice', `/apikey delete ${fake.users.alice!.keys[1]!.id}`);
    expect(bot.button('Delete').confirm).toMatchObject({ title: 'Delete for good?' });
  });

  it('an extension TWCC answers with "no route" is reported as not extended', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    const k = fake.users.alice!.keys[2]!;
    fake.quirks.noRoute = (r) => r.method === 'PATCH';
    const said = await bot.say('alice', `/apikey extend ${k.id} 30`);
    expect(said.text).toMatch(new RegExp(`^Key \`${k.id}\` was not extended: TWCC still shows it expiring \\d{4}-\\d\\d-\\d\\d \\(in 20 days\\)\\. \\(TWCC answered: PATCH /api_key/${k.id}/ answered 200 with only a message`));
  });

  it('/apikey list reads enveloped, millisecond and named records, and marks disabled keys', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    Object.assign(fake.quirks, { keyEnvelope: true, keyTimes: 'ms', keyNames: true, keyTimeFields: { created: 'create_time', expires: 'expires_at' } });
    const off = fake.addKey('alice', { status: 'disabled', name: 'old-laptop' });
    const listed = (await bot.say('alice', '/apikey list')).text;
    expect(listed).toMatch(/^You have 4 API keys:/);
    expect(listed).toContain(`${off.id} (disabled)`);
    expect(listed).toContain(`old-laptop ${off.key.slice(0, 4)}…${off.key.slice(-4)}`);
    expect(listed).toContain('(in 60 days)');
  });

  it('a 401 for lack of credit is not reported as a bad key', async () => {
    await start(false);
    await bot.login('alice', fake.users.alice!.apiKey);
    fake.quirks.creditExhausted = true;
    const said = await bot.say('alice', '/quota show vcs');
    expect(said.text).toContain('TWCC refused for lack of credit or quota on the project (not a problem with your key).');
    expect(said.text).not.toContain('/tenant login');
  });

  it('without TWCC_CCS_SITE, /quota show is VCS only and CCS is said to be off', async () => {
    await start(false, { ccsSite: '' });
    await bot.login('alice', fake.users.alice!.apiKey);
    const all = await bot.say('alice', '/quota show');
    expect(all.text).toContain('VCS');
    expect(all.text).not.toContain('CCS');
    expect((await bot.say('alice', '/quota show ccs')).text).toBe('CCS is not enabled for this deployment; only VCS is.');
    expect(fake.requests.some((r) => r.path.includes(fake.sites.ccs))).toBe(false);
  });
});

describe('two approvals for one member at once, on the twcc backend', () => {
  it('both apply: the two writes of the whole quota never overlap, and neither undoes the other (4 rounds)', async () => {
    await start(true);
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.login('admin', fake.users.admin!.apiKey);
    // Each PATCH takes a while, as TWCC's do: two in flight together would each write the triple they read.
    fake.setDelay(150);
    for (let round = 1; round <= 4; round++) {
      await bot.say('alice', `/quota request vcs cpu=${16 + round * 4} round ${round}`);
      await bot.say('alice', `/quota request vcs gpu=${2 + round} round ${round}`);
      const [cpu, gpu] = bot.buttons('Approve').slice(-2);
      const answers = await Promise.all([bot.clickId(cpu!.id, 'admin'), bot.clickId(gpu!.id, 'admin')]);
      for (const a of answers) expect(a.text, `round ${round}`).toContain('Approved by @admin and applied.');
      const shown = (await bot.say('alice', '/quota show vcs')).text;
      expect(shown, `round ${round}`).toMatch(new RegExp(`${fake.users.alice!.username}\\s+[\\d.]+ / ${16 + round * 4}\\s+[\\d.]+ / ${2 + round}\\s`));
    }
  }, 60_000);
});
