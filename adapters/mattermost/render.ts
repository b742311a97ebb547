import type { Outcome } from '../../src/core/outcome.js';
import { renderInline, withoutDelimiters } from '../../src/core/inline.js';
import { formatTable, type Button, type Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import type { Action, Dialog, PostBody } from './client.js';

/** A post's message is at most 16383 characters (https://docs.mattermost.com/configure/environment-configuration-settings.html). */
const MESSAGE_MAX = 16_000;
const BUTTON_LABEL_MAX = 80;

/** The login dialog's callback id and its one field. */
export const LOGIN_DIALOG = { callbackId: 'tenant-login', field: 'api_key' } as const;

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * Markdown that would act in people's text: links, images, emphasis, strikes, code, tables, HTML-ish
 * brackets, and quotes, headings and lists at a line's start. A backslash keeps each as typed; `_`
 * acts only at a word's edge.
 */
const MARKDOWN_SPECIAL = /[\\`*|~[\]<>!]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|^\s*[#>+-]/gmu;

/**
 * People's text (reasons, names, key names) as Mattermost shows it typed: no link, no formatting, and no
 * mention (`@channel` in a reason would alert everyone; a zero-width space after `@` stops it).
 */
export const escapeUserText = (text: string): string =>
  text.replace(MARKDOWN_SPECIAL, (special) => special.replace(/\S$/, '\\$&')).replace(/@(?=[\p{L}\p{N}_.-])/gu, '@\u200B');

/** The core's neutral inline marks as Mattermost Markdown; people's text escaped. */
export const toMarkdown = (text: string): string =>
  renderInline(text, {
    plain: (s) => s.text,
    user: (s) => escapeUserText(s.text),
    bold: (s) => `**${s.text}**`,
    code: (s) => `\`${s.text.replace(/`/g, 'ˋ')}\``,
    link: (s) => `[${s.text}](${s.url})`,
  });

/** A table as a monospace code block; a cell holding backticks would end it early, so they show as `ˋ`. */
const codeBlock = (columns: string[], rows: string[][]): string => `\`\`\`\n${withoutDelimiters(formatTable(columns, rows)).replace(/`/g, 'ˋ')}\n\`\`\``;

/** How a button's click comes back: the sealed context for the core's button id (context.ts), at `url`. */
export type SealButton = (button: Button) => { url: string; sealed: string };

/** Mattermost's button styles are Slack's: danger, primary, default. */
function renderButtons(buttons: Button[], seal: SealButton): Action[] {
  return buttons.map((b, i) => {
    const { url, sealed } = seal(b);
    return { id: `b${i}`, name: clip(withoutDelimiters(b.label), BUTTON_LABEL_MAX), type: 'button', style: b.style, integration: { url, context: { sealed } } };
  });
}

/**
 * A core Reply as a Mattermost post: text, fields and tables as Markdown in the message, buttons in one
 * attachment. `props.attachments` is always set, so an update in place removes old buttons. Mattermost
 * has no confirm dialog on a button: the card itself, with its danger button, is the confirmation.
 */
export function renderReply(reply: Reply, seal: SealButton): PostBody {
  const parts: string[] = [];
  const buttons: Button[] = [];
  for (const block of reply.blocks) {
    switch (block.type) {
      case 'text':
        parts.push(toMarkdown(block.text));
        break;
      case 'fields':
        parts.push(block.fields.map((f) => `**${withoutDelimiters(f.label)}:** ${escapeUserText(withoutDelimiters(f.value))}`).join('\n'));
        break;
      case 'table':
        parts.push(codeBlock(block.columns, block.rows));
        break;
      case 'buttons':
        buttons.push(...block.buttons);
        break;
      case 'file':
        // Not in the message: the adapter uploads the file to the reader's DM (index.ts), and the text beside it names it.
        break;
      default:
        assertNever(block);
    }
  }
  const actions = renderButtons(buttons, seal);
  return { message: clip(parts.join('\n'), MESSAGE_MAX), props: { attachments: actions.length > 0 ? [{ actions }] : [] } };
}

/** Private unless the core said `channel` (the core's secret rule already made every secret private). */
export const isPrivate = (reply: Reply): boolean => reply.visibility !== 'channel';

/** The `/tenant login` dialog: one password field for the member's TWCC API key, so it is never shown as typed. */
export function renderLoginDialog(o: Extract<Outcome, { kind: 'login-modal' }>, state: string): Dialog {
  return {
    callback_id: LOGIN_DIALOG.callbackId,
    title: clip(o.title, 24),
    submit_label: clip(o.submit ?? 'Log in', 24),
    notify_on_cancel: false,
    state,
    elements: [
      { display_name: clip(o.label, 24), name: LOGIN_DIALOG.field, type: 'text', subtype: 'password', placeholder: clip(o.placeholder, 150), min_length: 1, max_length: 400 },
    ],
  };
}
