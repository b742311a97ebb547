import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../src/core/core.js';
import type { ChatUser } from '../../src/core/invocation.js';
import { replyToPlainText } from '../../src/core/reply.js';
import { TestBot } from '../helpers/test-bot.js';
import { allFeatures } from '../../src/features/index.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await TestBot.start();
});
afterEach(() => bot.stop());

describe('/tenant', () => {
  it('links, lists, shows whoami, unlinks, and audits each change', async () => {
    expect((await bot.say('admin', '/tenant link @alice alice')).text).toBe('Linked @alice to member `alice` as user.');
    expect((await bot.say('admin', '/tenant link @bob bob admin')).text).toBe('Linked @bob to member `bob` as admin.');
    const members = (await bot.say('admin', '/tenant members')).text;
    expect(members).toContain('3 members:');
    expect(members).toMatch(/alice\s+user\s+local:alice/);
    expect(members).toMatch(/bob\s+admin\s+local:bob/);
    expect((await bot.say('alice', '/tenant whoami')).text).toBe('Chat user: local:alice\nMember: alice\nRole: user\nBackend: embedded registry');
    expect((await bot.say('admin', '/tenant unlink @alice')).text).toBe('Unlinked @alice (was member `alice`).');
    expect((await bot.say('alice', '/tenant whoami')).text).toBe(
      'You (local:alice) are not linked to a tenant member. Ask a tenant admin to run `/tenant link @you <member>`.',
    );
    const audit = (await bot.say('admin', '/tenant audit 3')).text;
    expect(audit).toContain('Latest 3 changes:');
    expect(audit.split('\n')[3]).toMatch(/local:admin\s+link\.removed\s+local:alice\s+ok\s+alice/);
    expect(audit).toMatch(/link\.created\s+local:bob\s+ok\s+bob as admin/);
  });

  it('login explains that the embedded registry links through an admin', async () => {
    expect((await bot.say('alice', '/tenant login')).text).toContain('Ask an admin to run `/tenant link @you <member>`');
  });

  it('on the embedded registry, a member’s logout is refused: only an admin could link them again', async () => {
    await bot.say('admin', '/tenant link @alice alice');
    expect((await bot.say('alice', '/tenant logout')).text).toBe(
      'On the embedded registry a tenant admin links you, and only an admin can link you again, so `/tenant logout` is for admins. ' +
        'To be unlinked, ask an admin to run `/tenant unlink @you`. Nothing was changed.',
    );
    expect((await bot.say('alice', '/tenant whoami')).text).toContain('Member: alice');
  });

  it('an admin’s logout forgets their link', async () => {
    await bot.say('admin', '/tenant link @bob bob admin');
    expect((await bot.say('bob', '/tenant help')).text).toContain('`/tenant logout`');
    expect((await bot.say('bob', '/tenant logout')).text).toBe('You are logged out: your link and stored credential are gone.');
    expect((await bot.say('bob', '/apikey list')).text).toContain('You are not linked to a tenant member yet');
  });

  it('an admin pinned by ADMINS: linking without a role says ADMINS keeps them admin, and whoami agrees', async () => {
    expect((await bot.say('admin', '/tenant link @admin root')).text).toBe('Linked @admin to member `root` as admin. (ADMINS keeps them an admin.)');
    expect((await bot.say('admin', '/tenant whoami')).text).toBe('Chat user: local:admin\nMember: root\nRole: admin\nBackend: embedded registry');
    expect((await bot.say('admin', '/tenant members')).text).toMatch(/root\s+admin\s+local:admin/);
  });

  it('takes names in any script: @José is linked to josé', async () => {
    expect((await bot.say('admin', '/tenant link @José josé')).text).toBe('Linked @José to member `josé` as user.');
    expect((await bot.say('José', '/tenant whoami')).text).toBe('Chat user: local:José\nMember: josé\nRole: user\nBackend: embedded registry');
  });

  it('one person may be linked from Slack and Discord at once', async () => {
    const slackAdmin: ChatUser = { platform: 'slack', workspace: 'T1', userId: 'UADMIN', name: 'root' };
    const where = { workspace: 'T1', channelId: 'C1' };
    const slack = new Core({ features: allFeatures(), store: bot.store, backend: bot.backend, admins: ['slack:UADMIN', 'discord:999'] });
    // Mentions arrive as an adapter hands them over: `@word` in the text, the user it names beside it.
    const mentions = { alice: { userId: 'U42', name: 'alice' } };
    const say = async (c: Core, user: ChatUser, text: string) => {
      const o = await c.handle({ kind: 'command', user, where, command: text.split(' ')[0] as 'tenant', text: text.split(' ').slice(1).join(' '), mentions });
      return o.kind === 'reply' ? replyToPlainText(o.reply) : o.kind;
    };
    expect(await say(slack, slackAdmin, 'tenant link @alice alice')).toBe('Linked @alice to member `alice` as user.');
    const discordAdmin: ChatUser = { platform: 'discord', workspace: 'G1', userId: '999', name: 'root' };
    // The admin learns that this makes two chat accounts one person.
    expect(await say(slack, discordAdmin, 'tenant link @4242 alice')).toBe(
      'Linked @4242 to member `alice` as user. `alice` is also linked as slack:alice: the bot counts them all as one person, so none of them can approve a request another of them made.',
    );
    const fromSlack = await say(slack, { platform: 'slack', workspace: 'T1', userId: 'U42', name: 'alice' }, 'apikey create');
    const keyId = /`(k-[0-9a-f]+)`/.exec(fromSlack)![1]!;
    const fromDiscord = await say(slack, { platform: 'discord', workspace: 'G1', userId: '4242', name: 'alice' }, 'apikey list');
    expect(fromDiscord).toContain(keyId);
  });
});
