import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';
import { TestBot } from '../helpers/test-bot.js';

/**
 * TWCC_PROJECT=GOV108009,AI0912345 against a fake TWCC serving both: bob is a member of GOV108009 and
 * a tenant admin of AI0912345, with a key of each; alice and admin are of GOV108009 only.
 */
let fake: FakeTwcc;
let bot: TestBot;
const GOV = 'GOV108009';
const AI = 'AI0912345';

async function start(): Promise<{ bobsAiKey: string }> {
  fake = await startFakeTwcc({ secondProject: AI });
  fake.users.bob!.otherRoles = { [AI]: 'tenant_admin' };
  const bobsAiKey = fake.addKey('bob', { project: AI }).key;
  bot = await TestBot.start({ admins: [], projects: [GOV, AI], projectBackend: (store, project) => twccBackendOn(fake, { project })(store) });
  return { bobsAiKey };
}

afterEach(async () => {
  await bot.stop();
  await fake.close();
});

describe('several TWCC projects in one deployment', () => {
  it('a member logs in per project, with that project’s key, and has that project’s role in each', async () => {
    const { bobsAiKey } = await start();
    // Linked nowhere yet: the login must say which project it is for.
    expect((await bot.say('bob', '/tenant login')).text).toContain('you are a member of none of them. Add `--project <code>`');
    // A key submitted with no project chosen (or chosen too long ago) is refused, and reaches no backend.
    expect((await bot.login('bob', bobsAiKey)).text).toContain('none applies here');
    expect(fake.requests).toEqual([]);
    expect((await bot.say('bob', `/tenant login --project ${AI}`)).where).toBe('modal');
    expect((await bot.login('bob', bobsAiKey)).text).toBe(
      `You are linked to TWCC user \`${fake.users.bob!.username}\` as a tenant admin. Your key is stored encrypted; \`/tenant logout\` forgets it.\nProject: ${AI}`,
    );
    expect((await bot.say('bob', `/tenant login --project ${GOV}`)).where).toBe('modal');
    expect((await bot.login('bob', fake.users.bob!.apiKey)).text).toContain(`as a tenant user. Your key is stored encrypted; \`/tenant logout\` forgets it.\nProject: ${GOV}`);
    expect((await bot.say('bob', `/tenant whoami --project ${AI}`)).text).toContain('Role: admin');
    expect((await bot.say('bob', `/tenant whoami --project ${GOV}`)).text).toContain('Role: user');
    // Now of both: a command without the project is asked which.
    expect((await bot.say('bob', '/apikey list')).text).toContain('you are a member of 2 of them');

    // alice is of GOV108009 only: AI0912345 refuses her key, and nothing is stored there.
    await bot.say('alice', `/tenant login --project ${AI}`);
    expect((await bot.login('alice', fake.users.alice!.apiKey)).text).toMatch(/^Login failed: .*Nothing was saved\.\nProject: AI0912345$/);
    await bot.say('alice', `/tenant login --project ${GOV}`);
    expect((await bot.login('alice', fake.users.alice!.apiKey)).text).toContain(`Project: ${GOV}`);
    expect((await bot.say('alice', '/tenant whoami')).text).toContain('Project: GOV108009');

    // Logging out of one project keeps the other's link and key.
    expect((await bot.say('bob', `/tenant logout --project ${AI}`)).text).toBe(`You are logged out: your link and stored credential are gone.\nProject: ${AI}`);
    expect((await bot.say('bob', '/tenant whoami')).text).toContain(`Role: user\nBackend: TWCC`);
  });

  it('keys are the project’s: each project lists and makes keys with the member’s key of that project', async () => {
    const { bobsAiKey } = await start();
    await bot.say('bob', `/tenant login --project ${AI}`);
    await bot.login('bob', bobsAiKey);
    await bot.say('bob', `/tenant login --project ${GOV}`);
    await bot.login('bob', fake.users.bob!.apiKey);
    const aiKeyId = fake.users.bob!.keys.find((k) => k.key === bobsAiKey)!.id;
    const mainId = fake.users.bob!.keys.find((k) => k.main)!.id;
    const inAi = (await bot.say('bob', `/apikey list --project ${AI}`)).text;
    expect(inAi).toContain(String(aiKeyId));
    expect(inAi).not.toContain(String(mainId));
    const inGov = (await bot.say('bob', `/apikey list --project ${GOV}`)).text;
    expect(inGov).toContain(String(mainId));
    expect(inGov).not.toContain(String(aiKeyId));
    fake.resetStats();
    expect((await bot.say('bob', `/apikey create --project ${AI}`)).text).toContain(`Project: ${AI}`);
    const post = fake.requests.find((r) => r.method === 'POST')!;
    expect(post.headers['x-api-key']).toBe(bobsAiKey);
    expect(fake.users.bob!.keys.at(-1)!.project).toBe(AI);
  });

  it('an admin of one project neither approves nor audits the other’s', async () => {
    const { bobsAiKey } = await start();
    await bot.say('bob', `/tenant login --project ${AI}`);
    await bot.login('bob', bobsAiKey);
    await bot.say('alice', `/tenant login --project ${GOV}`);
    await bot.login('alice', fake.users.alice!.apiKey);
    await bot.say('alice', '/quota request vcs cpu=32 training');
    const card = bot.posts('approvals').at(-1)!;
    expect(card.text).toContain(`Project: ${GOV}`);
    // bob administers AI0912345 only: to GOV108009 he is nobody.
    expect((await bot.click('Approve', 'bob')).text).not.toContain('Approved');
    expect((await bot.say('bob', '/tenant audit')).text).not.toContain('alice');
    expect((await bot.say('bob', '/quota pending')).text).not.toContain('alice');
    await bot.say('admin', `/tenant login --project ${GOV}`);
    await bot.login('admin', fake.users.admin!.apiKey);
    expect((await bot.say('admin', '/tenant audit')).text).toContain('quota.requested');
  });
});
