import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineSpans } from '../../src/core/inline.js';
import { catalogs } from '../../src/core/i18n/translator.js';
import { USER_VALUES } from '../../src/core/i18n/user-values.js';
import { commandSpecs } from '../../src/features/index.js';
import { renderReply as renderForDiscord } from '../../adapters/discord/render.js';
import { renderReply as renderForSlack } from '../../adapters/slack/render.js';
import { reminderCard } from '../../src/features/reminders/remind-action.js';
import type { PendingAction } from '../../src/core/flows/pending.js';
import { translator } from '../../src/core/i18n.js';
import { TestBot } from '../helpers/test-bot.js';

/**
 * Arguments that carry only the bot's own words, numbers, ids, dates or other messages (which may hold
 * marks and user text of their own). Every argument is either here or in USER_VALUES.
 */
const MADE_VALUES = [
  'adminLinks', 'arg', 'age', 'change', 'choices', 'command', 'commands', 'count', 'cpu', 'date', 'days',
  'description', 'doing', 'error', 'example', 'expired', 'expires', 'expiry', 'extendDays', 'gpu', 'head',
  'how', 'id', 'key', 'last', 'length', 'limit', 'loginWarning', 'masked', 'max', 'memory', 'message',
  'most', 'n', 'names', 'nobody', 'note', 'per', 'pinned', 'problem', 'project', 'ref', 'relogin',
  'resource', 'role', 'same', 'service', 'shows', 'status', 'suggestion', 'summary', 'timeZone', 'title',
  'twccSaid', 'usage', 'values', 'wait', 'want', 'was', 'what', 'why', 'before', 'kind', 'now', 'outcome', 'verdict',
  // Several projects: codes (checked as such), the scope and action words, a date.
  'projects', 'bound', 'asked', 'other', 'scope', 'action', 'at',
  'file', 'first', 'format', 'size',
];

function argumentNames(elements: MessageFormatElement[], into: Set<string>): void {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const option of Object.values(e.options)) argumentNames(option.value, into);
    }
    if (e.type === TYPE.tag) argumentNames(e.children, into);
  }
}

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('text from people is text', () => {
  it('a reason that looks like a link is user text on the approval card, not a link mark', async () => {
    bot = await TestBot.start({ admins: ['local:admin', 'local:carol'] });
    await bot.say('admin', '/tenant link @alice alice');
    await bot.say('alice', '/quota request vcs cpu=16 [Approve here](https://evil.example/login) [x](https://e.example/<!channel>)');
    const card = bot.posts('approvals')[0]!;
    const body = card.reply!.blocks[0]!;
    if (body.type !== 'text') throw new Error(`the card starts with a ${body.type}`);
    const spans = inlineSpans(body.text);
    expect(spans.filter((s) => s.kind === 'link')).toEqual([]);
    expect(spans).toContainEqual({ kind: 'user', text: '[Approve here](https://evil.example/login) [x](https://e.example/<!channel>)' });
    expect(spans).toContainEqual({ kind: 'user', text: '@alice' });
    // Read as plain text (logs, tests), it is what was typed.
    expect(card.text).toContain('Reason: [Approve here](https://evil.example/login) [x](https://e.example/<!channel>)\n');
  });

  it('every argument of every message is sorted: people’s text or the bot’s own words', () => {
    commandSpecs();
    const names = new Set<string>();
    for (const catalog of Object.values(catalogs)) for (const source of Object.values(catalog)) argumentNames(parse(source, { ignoreTag: true }), names);
    const unsorted = [...names].filter((n) => !USER_VALUES.has(n) && !MADE_VALUES.includes(n)).sort();
    expect(unsorted).toEqual([]);
  });

  it('a key’s name from the backend is text on its reminder card, on Slack and on Discord', () => {
    commandSpecs();
    const name = '[Renew now](https://evil.example/renew) <!channel> <@U1> @everyone';
    const card = reminderCard(
      translator('en'),
      { id: 'p1' } as PendingAction,
      { keyId: 'k-1', name, expiresAt: '2027-01-10T00:00:00Z', days: 3 },
      Date.parse('2027-01-07T00:00:00Z'),
    );
    const slack = JSON.stringify(renderForSlack(card));
    expect(slack).not.toMatch(/<https?:|<!channel>|<@U1>/);
    expect(slack).toContain('[Renew now](https://evil.example/renew) &lt;!channel&gt; &lt;@U1&gt; @everyone');
    const { content } = renderForDiscord(card);
    expect(content).toContain('Your API key `k-1` (\\[Renew now\\](https://evil.example/renew) \\<!channel> \\<@U1> @\u200Beveryone) expires');
  });
});
