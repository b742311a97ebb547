import { describe, expect, it } from 'vitest';
import { escapeUserText, renderReply, toMarkdown } from '../../../adapters/mattermost/render.js';
import { userText } from '../../../src/core/inline.js';
import { reply } from '../../../src/core/reply.js';

const seal = () => ({ url: 'https://bot.example/mattermost/actions', sealed: 'sealed' });

describe('the Mattermost renderer', () => {
  it('shows people’s text as typed: no link, no formatting, no mention of anyone', () => {
    const reason = 'see [docs](https://evil.example) **now** @channel @alice `x` <b>';
    const md = toMarkdown(`Reason: ${userText(reason)}`);
    expect(md).toBe('Reason: see \\[docs\\](https://evil.example) \\*\\*now\\*\\* @\u200Bchannel @\u200Balice \\`x\\` \\<b\\>');
    expect(escapeUserText('> quoted\n# heading')).toBe('\\> quoted\n\\# heading');
    // Inside a word, an underscore is a letter: alice_w stays as typed.
    expect(escapeUserText('alice_w')).toBe('alice_w');
  });

  it('keeps the core’s own marks: bold, code and links', () => {
    expect(toMarkdown('**Delete** `k-1` [portal](https://www.twcc.ai)')).toBe('**Delete** `k-1` [portal](https://www.twcc.ai)');
  });

  it('puts tables in a code block, fields as bold labels, and buttons in one attachment with their styles', () => {
    const post = renderReply(
      reply([
        { type: 'table', columns: ['id', 'name'], rows: [['k-1', 'a`b']] },
        { type: 'fields', fields: [{ label: 'Reason', value: '@here *bold*' }] },
        { type: 'buttons', buttons: [{ id: 'c:1:ok', label: 'Delete', style: 'danger' }, { id: 'c:1:no', label: 'Cancel', style: 'default' }] },
      ]),
      seal,
    );
    expect(post.message).toBe('```\nid   name\n---  ----\nk-1  aˋb\n```\n**Reason:** @\u200Bhere \\*bold\\*');
    expect(post.props.attachments).toEqual([
      {
        actions: [
          { id: 'b0', name: 'Delete', type: 'button', style: 'danger', integration: { url: 'https://bot.example/mattermost/actions', context: { sealed: 'sealed' } } },
          { id: 'b1', name: 'Cancel', type: 'button', style: 'default', integration: { url: 'https://bot.example/mattermost/actions', context: { sealed: 'sealed' } } },
        ],
      },
    ]);
  });

  it('always sets the attachments, so an update in place removes the old buttons', () => {
    expect(renderReply(reply('Deleted.'), seal)).toEqual({ message: 'Deleted.', props: { attachments: [] } });
  });
});
