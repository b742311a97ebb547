import { afterEach, describe, expect, it } from 'vitest';
import { buildCommands } from '../../../adapters/discord/commands.js';
import { registerCommands } from '../../../adapters/discord/register.js';
import type { FakeUser, OptionValue } from '../../fakes/discord.js';
import { APP_ID, GENERAL, GUILD_ID, Harness, TOKEN, alice, bob, carol, dave } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A second server of the same application, with two channels: one bound to LAB2, one bound to nothing. */
const GUILD_B = '800000000000000002';
const B_LAB2 = '700000000000000011';
const B_OPEN = '700000000000000012';

/**
 * One Discord application in two servers, LOCAL_PROJECTS=LAB1,LAB2: alice administers LAB1, carol and
 * dave LAB2 (ADMINS names each one's project). Server A is bound to LAB1 as a whole; in server B one
 * channel is bound to LAB2. bob is a member of both projects.
 */
async function twoServers(): Promise<Harness> {
  h = await Harness.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:discord:1001', 'LAB2:discord:1003', 'LAB2:discord:1004'], overHttp: true });
  h.fake.channelGuilds.set(B_LAB2, GUILD_B);
  h.fake.channelGuilds.set(B_OPEN, GUILD_B);
  return h;
}

async function say(user: FakeUser, channel: string, command: string, sub: string, options: Record<string, OptionValue> = {}): Promise<string> {
  const sent = await h!.fake.answered(h!.fake.command(user, command, sub, options, channel));
  return h!.shown(sent);
}

describe('one Discord application in two servers, two projects', () => {
  it('each server acts on the project bound to it; a member of both sees each project only where it applies', async () => {
    await twoServers();
    expect(await say(alice, GENERAL, 'tenant', 'project', { action: 'bind-workspace', project: 'LAB1' })).toBe(
      'Bound the whole workspace (Discord server) to project **LAB1**: commands here act on LAB1.\nProject: LAB1',
    );
    expect(await say(carol, B_LAB2, 'tenant', 'project', { action: 'bind', project: 'LAB2' })).toBe(
      'Bound this channel to project **LAB2**: commands here act on LAB2.\nProject: LAB2',
    );
    // The guild is part of the binding: server B's other channel is bound to nothing.
    expect(await say(carol, B_OPEN, 'tenant', 'project')).toMatch(/^Project \*\*LAB2\*\* applies here: nothing is bound here, and you are a member of it only\./);
    expect(await say(alice, GENERAL, 'tenant', 'link', { user: bob, member: 'bob' })).toContain('Linked @bob to member `bob` as user.');
    expect(await say(carol, B_LAB2, 'tenant', 'link', { user: bob, member: 'bob' })).toContain('Linked @bob to member `bob` as user.\nProject: LAB2');

    expect(await say(bob, GENERAL, 'apikey', 'create')).toContain('Project: LAB1');
    expect(await say(bob, GENERAL, 'apikey', 'list')).toMatch(/LAB1/);
    expect(await say(bob, B_LAB2, 'apikey', 'list')).toBe('You have no API keys. `/apikey create` makes one.\nProject: LAB2');
    // Where nothing is bound, bob (of both projects) names one with the `project` option.
    expect(await say(bob, B_OPEN, 'apikey', 'list')).toContain('none applies here');
    expect(await say(bob, B_OPEN, 'apikey', 'list', { project: 'LAB1' })).toMatch(/LAB1\s[\s\S]*Project: LAB1$/);
    expect(await say(bob, GENERAL, 'apikey', 'list', { project: 'LAB2' })).toBe(
      'This channel belongs to project LAB1 (`/tenant project` says why), so `--project LAB2` does not apply here. Nothing was changed.',
    );
  });

  it('no cross-talk: an admin of LAB1 cannot list, audit or approve anything of LAB2', async () => {
    await twoServers();
    await say(carol, B_LAB2, 'tenant', 'project', { action: 'bind', project: 'LAB2' });
    await say(alice, GENERAL, 'tenant', 'project', { action: 'bind-workspace', project: 'LAB1' });
    await say(carol, B_LAB2, 'tenant', 'link', { user: bob, member: 'bob' });
    expect(await say(bob, B_LAB2, 'quota', 'request', { service: 'vcs', cpu: 16, reason: 'bigger model' })).toContain('Project: LAB2');
    const card = h!.fake.publicMessages(B_LAB2).find((m) => m.content.includes('asks'))!;
    expect(card.content).toMatch(/Project: LAB2$/m);
    const approve = h!.fake.buttons(card)[0]!.custom_id!;
    // alice, LAB1's admin, clicks it in server B: she is no admin of LAB2, and nothing is applied.
    const refused = h!.shown(await h!.fake.answered(h!.fake.click(alice, card, approve)));
    expect(refused).not.toContain('Approved');
    expect(card.edits).toBe(0);
    expect(await say(alice, GENERAL, 'tenant', 'members')).not.toContain('bob');
    expect(await say(alice, GENERAL, 'tenant', 'audit')).not.toContain('quota.requested');
    expect(await say(alice, GENERAL, 'quota', 'pending')).not.toContain('bob');
    // dave, LAB2's second admin, approves it.
    await h!.fake.answered(h!.fake.click(dave, card, approve));
    expect(card.content).toContain('Approved by @dave and applied.');
    expect(await say(carol, B_LAB2, 'tenant', 'audit')).toContain('quota.requested');
  });

  it('with several projects every subcommand takes a `project` option, and discord:register puts it on the application', async () => {
    await twoServers();
    const apikey = buildCommands(h!.core.commands).find((c) => c.name === 'apikey')! as { options: { name: string; options?: { name: string; type: number; required?: boolean }[] }[] };
    const list = apikey.options.find((o) => o.name === 'list')!;
    expect(list.options).toContainEqual(expect.objectContaining({ name: 'project', type: 3, required: false }));
    expect(apikey.options.find((o) => o.name === 'help')!.options).toEqual([]);
    await registerCommands({ token: TOKEN, applicationId: APP_ID, apiUrl: h!.fake.apiUrl, guildId: GUILD_ID, projects: ['LAB1', 'LAB2'] });
    const registered = h!.fake.registered.get(GUILD_ID) as { name: string; options: { name: string; options: { name: string }[] }[] }[];
    const tenant = registered.find((c) => c.name === 'tenant')!;
    expect(tenant.options.find((o) => o.name === 'project')!.options.map((o) => o.name)).toEqual(['action', 'project']);
    expect(tenant.options.find((o) => o.name === 'whoami')!.options.map((o) => o.name)).toEqual(['project']);
    // One project: as before, no option and no /tenant project.
    await registerCommands({ token: TOKEN, applicationId: APP_ID, apiUrl: h!.fake.apiUrl, guildId: GUILD_ID });
    const single = h!.fake.registered.get(GUILD_ID) as { name: string; options: { name: string; options: { name: string }[] }[] }[];
    expect(single.find((c) => c.name === 'tenant')!.options.map((o) => o.name)).not.toContain('project');
    expect(single.find((c) => c.name === 'tenant')!.options.find((o) => o.name === 'whoami')!.options).toEqual([]);
  });
});
