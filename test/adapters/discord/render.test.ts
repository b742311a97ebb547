import { describe, expect, test } from 'vitest';
import { isPrivate, renderLoginModal, renderReply, toDiscordMarkdown } from '../../../adapters/discord/render.js';
import { userText } from '../../../src/core/inline.js';
import { reply, text, type Button } from '../../../src/core/reply.js';

const button = (id: string, style: Button['style'] = 'default'): Button => ({ id, label: id, style });

describe('renderReply', () => {
  test('text, fields and a table read in order; the table is a code block', () => {
    const r = reply([
      text('You have 1 API key:'),
      { type: 'table', columns: ['id', 'expires'], rows: [['k-1', '2026-01-01 (in 30 days)']] },
      { type: 'fields', fields: [{ label: 'Project', value: 'LOCAL' }] },
    ]);
    expect(renderReply(r)).toMatchInlineSnapshot(`
      {
        "components": [],
        "content": "You have 1 API key:
      \`\`\`
      id   expires
      ---  -----------------------
      k-1  2026-01-01 (in 30 days)
      \`\`\`
      **Project:** LOCAL",
        "embeds": [],
      }
    `);
  });

  test('danger buttons are ButtonStyle.Danger; the rest Primary or Secondary; five to a row', () => {
    const r = reply([{ type: 'buttons', buttons: [button('c:1:ok', 'danger'), button('a:1:approve', 'primary'), ...['3', '4', '5', '6'].map((id) => button(id))] }]);
    const { components } = renderReply(r);
    expect(components.map((row) => row.components.map((b) => [b.custom_id, b.style]))).toEqual([
      [['c:1:ok', 4], ['a:1:approve', 1], ['3', 2], ['4', 2], ['5', 2]],
      [['6', 2]],
    ]);
  });

  test('an outcome that replaces a card carries an empty component list, so the buttons go', () => {
    expect(renderReply(reply('Deleted `k-1`.', 'ephemeral', { replaceOriginal: true })).components).toEqual([]);
  });

  test('a long table spills from the content into embeds, within Discord’s limits', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`2026-01-01T00:00:${String(i).padStart(3, '0')}`, 'discord:1001', 'key.created', `k-${i}`, 'ok']);
    const { content, embeds } = renderReply(reply([text('The latest 200 changes:'), { type: 'table', columns: ['at', 'who', 'what', 'target', 'outcome'], rows }]));
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content.startsWith('The latest 200 changes:\n```\nat')).toBe(true);
    expect(embeds.length).toBeGreaterThan(0);
    expect(embeds.length).toBeLessThanOrEqual(10);
    expect(embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0)).toBeLessThanOrEqual(6000);
    for (const e of embeds) expect(e.description!.length).toBeLessThanOrEqual(4096);
    // Every code block is closed, and what did not fit ends in an ellipsis.
    for (const part of [content, ...embeds.map((e) => e.description!)]) expect((part.match(/```/g) ?? []).length % 2).toBe(0);
    expect(embeds.at(-1)!.description!.endsWith('\n…')).toBe(true);
  });
});

test('a table with a very long cell stays within a message', () => {
  const { content, embeds } = renderReply(reply([{ type: 'table', columns: ['what', 'detail'], rows: [['quota.applied', 'x'.repeat(5000)]] }]));
  expect(content.length).toBeLessThanOrEqual(2000);
  expect(embeds).toEqual([]);
  expect(content.split('\n').every((line) => line.length <= 500)).toBe(true);
});

describe('visibility', () => {
  test('ephemeral unless the core says channel (the core has already made every secret private)', () => {
    expect(isPrivate(reply('x'))).toBe(true);
    expect(isPrivate(reply('x', 'dm'))).toBe(true);
    expect(isPrivate(reply('x', 'channel'))).toBe(false);
  });
});

test('the login modal clips its texts to Discord’s limits', () => {
  const modal = renderLoginModal({ kind: 'login-modal', title: 'T'.repeat(60), label: 'L'.repeat(60), placeholder: 'P'.repeat(150) });
  const [row] = modal.components as unknown as { components: { label: string; placeholder: string }[] }[];
  const input = row!.components[0]!;
  expect([modal.title.length, input.label.length, input.placeholder.length]).toEqual([45, 45, 100]);
});

test('the core’s neutral marks become Discord markdown: bold, code spans untouched, links', () => {
  expect(toDiscordMarkdown('**/apikey**: Manage keys; `a**b**c` stays; **VCS** project; [docs](https://example.org/x)')).toBe(
    '**/apikey**: Manage keys; `a**b**c` stays; **VCS** project; [docs](https://example.org/x)',
  );
});

test('people’s text is shown as typed: no masked link, no mention, no spoiler hiding the bot’s words, no heading', () => {
  const who = userText('@everyone ||');
  const reason = userText('[Approve here](https://evil.example/login) <@1002> <@&77> **now** `x` ~~a~~ _b_ alice_w ||');
  const card = renderReply(reply(`${who} asks for more VCS quota: gpu 4 → 1 (decrease).\nReason: ${reason}\n${userText('# Approved')}`, 'channel'));
  expect(card.content).toBe(
    '@\u200Beveryone \\|\\| asks for more VCS quota: gpu 4 → 1 (decrease).\n' +
      'Reason: \\[Approve here\\](https://evil.example/login) \\<@1002> \\<@&77> \\*\\*now\\*\\* \\`x\\` \\~\\~a\\~\\~ \\_b\\_ alice_w \\|\\|\n' +
      '\\# Approved',
  );
});

test('a name in a field is text; a table cell cannot end its code block', () => {
  const name = '[Approve](https://evil.example) <@1002>';
  const { content } = renderReply(
    reply([{ type: 'fields', fields: [{ label: 'Chat user', value: name }] }, { type: 'table', columns: ['member'], rows: [['```\n[x](https://evil.example)']] }]),
  );
  expect(content).toContain('**Chat user:** \\[Approve\\](https://evil.example) \\<@1002>');
  // One code block: the cell's backticks are look-alikes.
  expect(content.match(/```/g)).toHaveLength(2);
});
