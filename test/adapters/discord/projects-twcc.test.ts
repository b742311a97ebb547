import { afterEach, expect, it } from 'vitest';
import { Callback, type FakeUser, type OptionValue } from '../../fakes/discord.js';
import { startFakeTwcc, type FakeTwcc } from '../../fakes/twcc.js';
import { twccBackendOn } from '../../helpers/twcc-backend.js';
import { GENERAL, Harness, alice, carol, dave } from './harness.js';

let h: Harness | undefined;
let twcc: FakeTwcc | undefined;
afterEach(async () => {
  await h?.close();
  await twcc?.close();
  h = undefined;
  twcc = undefined;
});

const GOV = 'GOV108009';
const AI = 'AI0912345';
/** A channel of a second server of the same application. */
const GUILD_B = '800000000000000002';
const B_AI = '700000000000000011';

async function say(user: FakeUser, channel: string, command: string, sub: string, options: Record<string, OptionValue> = {}): Promise<string> {
  return h!.shown(await h!.fake.answered(h!.fake.command(user, command, sub, options, channel)));
}

/** `/tenant login` in `channel` (with the `project` option, if given), then the modal submitted with `apiKey`. */
async function logsIn(user: FakeUser, channel: string, apiKey: string, project?: string): Promise<string> {
  const opened = await h!.fake.answered(h!.fake.command(user, 'tenant', 'login', project ? { project } : {}, channel));
  expect(opened.callback?.type).toBe(Callback.Modal);
  const submitted = await h!.fake.answered(h!.fake.submitModal(user, opened, { 'api-key': apiKey }));
  return h!.fake.original(submitted).content;
}

it('two Discord servers on two TWCC projects: each server’s logins, roles and keys are its project’s', async () => {
  twcc = await startFakeTwcc({ secondProject: AI });
  // The fake's bob is a member of GOV108009 and a tenant admin of AI0912345, with a key of each.
  twcc.users.bob!.otherRoles = { [AI]: 'tenant_admin' };
  const bobsAiKey = twcc.addKey('bob', { project: AI }).key;
  const fake = twcc;
  h = await Harness.start({ projects: [GOV, AI], admins: [], overHttp: true, projectBackend: (store, project) => twccBackendOn(fake, { project })(store) });
  h.fake.channelGuilds.set(B_AI, GUILD_B);

  // Nothing bound, linked nowhere: the login must name its project.
  expect(await say(alice, GENERAL, 'tenant', 'login')).toContain('none applies here');
  expect(await logsIn(alice, GENERAL, twcc.users.admin!.apiKey, GOV)).toBe(
    `You are linked to TWCC user \`${twcc.users.admin!.username}\` as a tenant admin. Your key is stored encrypted; \`/tenant logout\` forgets it.\nProject: ${GOV}`,
  );
  expect(await say(alice, GENERAL, 'tenant', 'project', { action: 'bind-workspace', project: GOV })).toContain(`Bound the whole workspace (Discord server) to project **${GOV}**`);
  expect(await logsIn(carol, B_AI, bobsAiKey, AI)).toContain(`as a tenant admin. Your key is stored encrypted; \`/tenant logout\` forgets it.\nProject: ${AI}`);
  expect(await say(carol, B_AI, 'tenant', 'project', { action: 'bind', project: AI })).toContain(`Bound this channel to project **${AI}**`);

  // In server A the project is GOV108009 without naming it; dave logs in there with the fake alice's key.
  expect(await logsIn(dave, GENERAL, twcc.users.alice!.apiKey)).toContain(`as a tenant user. Your key is stored encrypted; \`/tenant logout\` forgets it.\nProject: ${GOV}`);
  expect(await say(dave, GENERAL, 'apikey', 'list')).toContain(`Project: ${GOV}`);
  // In server B's channel dave is nobody, and carol (AI0912345's admin) is nobody in server A.
  expect(await say(dave, B_AI, 'apikey', 'list')).toContain('Run `/tenant login` with your own TWCC API key first.');
  expect(await say(carol, GENERAL, 'tenant', 'whoami')).toContain('not linked');
  // Each server's keys are its project's: the AI0912345 key is listed in server B only.
  const aiKeyId = String(twcc.users.bob!.keys.find((k) => k.key === bobsAiKey)!.id);
  expect(await say(carol, B_AI, 'apikey', 'list')).toContain(aiKeyId);
  expect(await say(alice, GENERAL, 'apikey', 'list')).not.toContain(aiKeyId);
  expect(await say(alice, GENERAL, 'tenant', 'audit')).not.toContain('discord:1003');
});
