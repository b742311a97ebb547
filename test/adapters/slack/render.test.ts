import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, renderLoginModal, renderReply } from '../../../adapters/slack/render.js';
import { userText } from '../../../src/core/inline.js';
import { translator } from '../../../src/core/i18n.js';
import { reply, text, type Reply } from '../../../src/core/reply.js';

const deleteCard: Reply = reply([
  text('Delete 1 API key: `k-1` (twcc_ab12…)? This cannot be undone; anything using it stops working.'),
  {
    type: 'buttons',
    buttons: [
      { id: 'c:p1:ok', label: 'Delete', style: 'danger', confirm: { title: 'Delete for good?', text: '1 key will be deleted. This cannot be undone.', confirm: 'Delete', deny: 'Keep' } },
      { id: 'c:p1:cancel', label: 'Cancel', style: 'default' },
    ],
  },
]);

describe('renderReply', () => {
  it('renders a confirmation card as a section and an actions block: danger button with a danger confirm dialog, plain Cancel', () => {
    expect(renderReply(deleteCard)).toEqual({
      text: 'Delete 1 API key: `k-1` (twcc_ab12…)? This cannot be undone; anything using it stops working.',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Delete 1 API key: `k-1` (twcc_ab12…)? This cannot be undone; anything using it stops working.' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'c:p1:ok',
              value: 'c:p1:ok',
              text: { type: 'plain_text', text: 'Delete', emoji: true },
              style: 'danger',
              confirm: {
                title: { type: 'plain_text', text: 'Delete for good?', emoji: true },
                text: { type: 'plain_text', text: '1 key will be deleted. This cannot be undone.', emoji: true },
                confirm: { type: 'plain_text', text: 'Delete', emoji: true },
                deny: { type: 'plain_text', text: 'Keep', emoji: true },
                style: 'danger',
              },
            },
            { type: 'button', action_id: 'c:p1:cancel', value: 'c:p1:cancel', text: { type: 'plain_text', text: 'Cancel', emoji: true } },
          ],
        },
      ],
    });
  });

  it('puts a table in a code block, and a long one in several, each with its header', () => {
    const small = renderReply(reply([{ type: 'table', columns: ['id', 'key'], rows: [['k-1', 'twcc_ab…']] }]));
    expect(small.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '```\nid   key\n---  --------\nk-1  twcc_ab…\n```' } }]);
    expect(small.text).toBe('(1 row)');

    const rows = Array.from({ length: 300 }, (_, i) => [`k-${String(i).padStart(4, '0')}`, 'x'.repeat(40)]);
    const big = renderReply(reply([{ type: 'table', columns: ['id', 'key'], rows }]));
    expect(big.blocks.length).toBeGreaterThan(1);
    const texts = big.blocks.map((b) => (b as { text: { text: string } }).text.text);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(3000);
      expect(t.split('\n').slice(0, 2)).toEqual(['```', `id${' '.repeat(6)}key`]);
      expect(t.endsWith('\n```')).toBe(true);
    }
    expect(texts.join('\n').match(/k-\d{4}/g)).toHaveLength(300);
  });

  it('renders fields as mrkdwn fields, ten to a section', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `L${i}`, value: `v${i}` }));
    const { blocks } = renderReply(reply([{ type: 'fields', fields }]));
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({ type: 'section', fields: expect.arrayContaining([{ type: 'mrkdwn', text: '*L0*\nv0' }]) });
    expect((blocks[0] as { fields: unknown[] }).fields).toHaveLength(10);
    expect((blocks[1] as { fields: unknown[] }).fields).toHaveLength(2);
  });

  it('splits text over 3000 characters into several sections on line breaks', () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i} ${'y'.repeat(50)}`).join('\n');
    const { blocks } = renderReply(reply(long));
    expect(blocks.length).toBeGreaterThan(1);
    const texts = blocks.map((b) => (b as { text: { text: string } }).text.text);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join('\n')).toBe(long);
  });

  it('escapes what the user typed, so `<!channel>` cannot ping a channel, but keeps user mentions', () => {
    expect(escapeMrkdwn('`<!channel>` & <!here|here> is not a key id; ask <@U123|bob>')).toBe('`&lt;!channel&gt;` &amp; &lt;!here|here&gt; is not a key id; ask <@U123|bob>');
    const { text: fallback, blocks } = renderReply(reply('`<!channel>` is not a key id'));
    expect(fallback).toBe('`&lt;!channel&gt;` is not a key id');
    expect(blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '`&lt;!channel&gt;` is not a key id' } }]);
  });

  it('shows people’s text as typed: a reason’s [label](url) is no link, <!channel> and <@U…> ping nobody, marks stay characters', () => {
    const reason = userText('[Approve here](https://evil.example/login) [x](https://e.example/<!channel>) <@U999> *now* `x` ~a~ _b_ alice_w & co');
    const { text: fallback, blocks } = renderReply(reply(`Reason: ${reason}\nRequest \`r-1\`, **soon**.`, 'channel'));
    const shown = (blocks[0] as { text: { text: string } }).text.text;
    const z = '\u200B';
    expect(shown).toBe(
      `Reason: [Approve here](https://evil.example/login) [x](https://e.example/&lt;!channel&gt;) &lt;@U999&gt; ${z}*${z}now${z}*${z} ${z}\`${z}x${z}\`${z} ` +
        `${z}~${z}a${z}~${z} ${z}_${z}b${z}_${z} alice_w &amp; co\nRequest \`r-1\`, *soon*.`,
    );
    expect(fallback).toBe('Reason: [Approve here](https://evil.example/login) [x](https://e.example/&lt;!channel&gt;) &lt;@U999&gt; *now* `x` ~a~ _b_ alice_w &amp; co\nRequest `r-1`, **soon**.');
    for (const out of [shown, fallback]) expect(out).not.toMatch(/<https?:|<!channel>|<@U999>/);
  });

  it('a name from the platform is text in a message, a field and a table alike', () => {
    const name = '<!here|x> [Approve](https://evil.example)';
    const said = translator('en').t('flow.cancelledByRequester', { name });
    const { blocks } = renderReply(
      reply([text(said), { type: 'fields', fields: [{ label: 'Chat user', value: name }] }, { type: 'table', columns: ['member'], rows: [[name]] }], 'channel'),
    );
    const texts = JSON.stringify(blocks);
    expect(texts).not.toMatch(/<!here|<https?:/);
    expect((blocks[0] as { text: { text: string } }).text.text).toBe('Cancelled by &lt;!here|x&gt; [Approve](https://evil.example). Nothing was changed.');
  });

  it('keeps Block Kit’s length limits on button labels', () => {
    const { blocks } = renderReply(reply([{ type: 'buttons', buttons: [{ id: 'a:1:approve', label: 'A'.repeat(100), style: 'primary' }] }]));
    const button = (blocks[0] as { elements: { text: { text: string }; style: string }[] }).elements[0]!;
    expect(button.text.text).toHaveLength(75);
    expect(button.style).toBe('primary');
  });
});

describe('renderLoginModal', () => {
  it('is a modal with one plain-text input and the sealed context in private_metadata', () => {
    const view = renderLoginModal({ kind: 'login-modal', title: 'Link your TWCC account', label: 'Your TWCC API key', placeholder: 'Paste it here' }, 'sealed.context');
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'tenant-login',
      title: { text: 'Link your TWCC account' },
      private_metadata: 'sealed.context',
      blocks: [{ type: 'input', block_id: 'api-key', element: { type: 'plain_text_input', action_id: 'api-key' } }],
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });
});
