import { afterEach, expect, it } from 'vitest';
import type { ChatUser, Platform } from '../../src/core/invocation.js';
import type { PostTarget } from '../../src/core/outcome.js';
import { replyToPlainText, type Reply } from '../../src/core/reply.js';
import { TestBot } from '../helpers/test-bot.js';

/**
 * The two-person rule compares people (tenant members), not chat accounts: one admin on Slack and
 * Discord, listed as one ADMINS entry, cannot approve on one platform what they asked for on the
 * other (issue 10, finding 2).
 */
const anna = { slack: { platform: 'slack', workspace: 'T1', userId: 'UANNA', name: 'anna' }, discord: { platform: 'discord', workspace: 'G1', userId: '111', name: 'anna' } } as const;
const ben: ChatUser = { platform: 'slack', workspace: 'T1', userId: 'UBEN', name: 'ben' };

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** One bot serving Slack and Discord, as main.ts runs it with both tokens set; what it posts is kept. */
async function slackAndDiscordBot(admins: string[], file?: string) {
  bot = await TestBot.start({ admins, ...(file ? { file } : {}) });
  const posted: { platform: Platform; target: PostTarget; reply: Reply }[] = [];
  for (const platform of ['slack', 'discord'] as const) {
    bot.core.registerAdapter({ name: platform, messenger: { post: async (target, reply) => void posted.push({ platform, target, reply }) } });
  }
  const core = bot.core;
  const where = (u: ChatUser) => ({ workspace: u.workspace, channelId: 'C1' });
  const text = (o: Awaited<ReturnType<typeof core.handle>>) => (o.kind === 'reply' ? replyToPlainText(o.reply) : o.kind);
  return {
    bot,
    posted,
    say: async (user: ChatUser, line: string) => {
      const [command, ...rest] = line.replace(/^\//, '').split(' ');
      return text(await core.handle({ kind: 'command', user, where: where(user), command: command as 'quota', text: rest.join(' ') }));
    },
    click: async (user: ChatUser, actionId: string) => text(await core.handle({ kind: 'click', user, where: where(user), actionId })),
    /** The Approve button of the latest approval card, whichever platform it went to. */
    approveButton: () => {
      const card = posted.filter((p) => p.target.kind === 'approvals').at(-1)!;
      for (const b of card.reply.blocks) if (b.type === 'buttons') return b.buttons.find((x) => x.label === 'Approve')!.id;
      throw new Error('no Approve button');
    },
  };
}

it('ADMINS anna=slack:UANNA+discord:111: Anna asks on Slack and cannot approve it on Discord; Ben can', async () => {
  const chat = await slackAndDiscordBot(['anna=slack:UANNA+discord:111', 'slack:UBEN']);
  expect(await chat.say(anna.slack, '/tenant whoami')).toContain('Member: anna\nRole: admin');
  expect(await chat.say(anna.discord, '/tenant whoami')).toContain('Member: anna\nRole: admin');

  expect(await chat.say(anna.slack, '/quota request vcs gpu=4 training')).toContain('Asked the tenant admins to approve VCS quota');
  const approve = chat.approveButton();
  expect(await chat.click(anna.discord, approve)).toBe('You asked for this change: another tenant admin has to approve or reject it. If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.');
  expect(await chat.click(ben, approve)).toContain('Approved by @ben and applied.');
  expect(await chat.say(anna.discord, '/quota show vcs')).toMatch(/anna\s+0 \/ 8\s+0 \/ 4\s/);
});

it('the old form slack:U1,discord:2 still starts: each entry is an admin of their own', async () => {
  const chat = await slackAndDiscordBot(['slack:UANNA', 'discord:111']);
  expect(await chat.say(anna.slack, '/tenant whoami')).toContain('Member: uanna\nRole: admin');
  expect(await chat.say(anna.discord, '/tenant whoami')).toContain('Member: 111\nRole: admin');
});

it('an admin first listed alone, then as one person on two platforms, becomes that one member', async () => {
  const first = await slackAndDiscordBot(['slack:UANNA', 'slack:UBEN']);
  expect(await first.say(anna.slack, '/tenant whoami')).toContain('Member: uanna');
  const file = first.bot.file;
  await first.bot.stop(true);
  // The operator corrects ADMINS and restarts the bot on the same store.
  const chat = await slackAndDiscordBot(['anna=slack:UANNA+discord:111', 'slack:UBEN'], file);
  expect(await chat.say(anna.slack, '/tenant whoami')).toContain('Member: anna\nRole: admin');
  expect(await chat.say(anna.slack, '/quota request vcs cpu=12')).toContain('Asked the tenant admins');
  expect(await chat.click(anna.discord, chat.approveButton())).toBe('You asked for this change: another tenant admin has to approve or reject it. If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.');
});

it('an admin who links a second chat account of their own is told so, and cannot approve their own request from it', async () => {
  bot = await TestBot.start({ admins: ['local:boss', 'local:admin'] });
  expect((await bot.say('boss', '/tenant link @boss2 boss admin')).text).toBe(
    'Linked @boss2 to member `boss` as admin. `boss` is also linked as local:boss: the bot counts them all as one person, so none of them can approve a request another of them made.',
  );
  await bot.say('boss', '/quota request vcs gpu=3');
  expect((await bot.click('Approve', 'boss2')).text).toBe('You asked for this change: another tenant admin has to approve or reject it. If there is none, an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS.');
  expect((await bot.click('Approve', 'admin')).text).toContain('Approved by @admin and applied.');
});
