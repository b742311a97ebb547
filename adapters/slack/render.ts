import type { types as Slack } from '@slack/bolt';
import type { Outcome } from '../../src/core/outcome.js';
import { renderInline, withoutDelimiters } from '../../src/core/inline.js';
import { formatTable, type Block, type Button, type Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';
import { LOGIN_MODAL } from './parse.js';

/** What chat.postMessage, chat.update and response_url all take: fallback text plus Block Kit. */
export interface SlackMessage {
  text: string;
  blocks: Slack.KnownBlock[];
}

// Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks/section-block
const SECTION_TEXT_MAX = 3000;
const FIELDS_PER_SECTION = 10;
const FIELD_TEXT_MAX = 2000;
const BUTTONS_PER_ACTIONS = 25;
const BUTTON_TEXT_MAX = 75;
const FALLBACK_TEXT_MAX = 3000;

const USER_MENTION = /(<@[UW][A-Z0-9]+(?:\|[^<>]*)?>)/;

/**
 * Slack reads `&`, `<` and `>` as markup, so `<!channel>` typed into a command would ping a channel
 * when echoed. Everything is escaped except user mentions (`<@U123|bob>`), which should_escape sends.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeMrkdwn(text: string): string {
  return text
    .split(USER_MENTION)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const plain = (text: string, max: number): Slack.PlainTextElement => ({ type: 'plain_text', text: clip(withoutDelimiters(text), max), emoji: true });
const section = (text: string): Slack.SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Splits on line breaks into pieces of at most `max` characters (a longer line is cut). */
function chunkLines(lines: string[], max: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const raw of lines) {
    const line = clip(raw, max);
    if (current.length > 0 && size + line.length + 1 > max) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** `&`, `<` and `>` as entities, mentions included: in people's text `<@U123>` would ping and `<!channel>` would alert everyone. */
const escapeEntities = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ZERO_WIDTH_SPACE = '\u200B';
/**
 * mrkdwn has no escape character: `*`, `_` and `~` mark only at a word's edge, and a backtick anywhere,
 * so a zero-width space on each side keeps them as typed. Inside a word (`alice_w`) they are left alone.
 */
const MRKDWN_SPECIAL = /`|(?<![\p{L}\p{N}])[*_~]|[*_~](?![\p{L}\p{N}])/gu;

/** People's text (reasons, names, key names) as Slack shows it typed: no link, no mention, no formatting. */
export const escapeUserText = (text: string): string =>
  escapeEntities(text).replace(MRKDWN_SPECIAL, (special) => `${ZERO_WIDTH_SPACE}${special}${ZERO_WIDTH_SPACE}`);

/** The core's neutral inline marks in Slack's mrkdwn; everything else escaped, people's text the most. */
export const toMrkdwn = (text: string): string =>
  renderInline(text, {
    plain: (s) => escapeMrkdwn(s.text),
    user: (s) => escapeUserText(s.text),
    bold: (s) => `*${escapeMrkdwn(s.text)}*`,
    // A code mark may hold a name: nothing in it is a mention.
    code: (s) => `\`${escapeEntities(s.text)}\``,
    link: (s) => `<${s.url}|${escapeMrkdwn(s.text)}>`,
  });

function renderText(text: string): Slack.KnownBlock[] {
  return chunkLines(toMrkdwn(text).split('\n'), SECTION_TEXT_MAX).map((lines) => section(lines.join('\n')));
}

/** A monospace table in a code block; a long one is split into several, each with the header. */
function renderTable(columns: string[], rows: string[][]): Slack.KnownBlock[] {
  // Cells are text, often people's (names, reasons): nothing in them is a mention.
  const [head = '', rule = '', ...body] = escapeEntities(withoutDelimiters(formatTable(columns, rows))).split('\n');
  const room = SECTION_TEXT_MAX - head.length - rule.length - 10;
  const pieces = body.length === 0 ? [[]] : chunkLines(body, room);
  return pieces.map((lines) => section(['```', head, rule, ...lines, '```'].join('\n')));
}

function renderFields(fields: { label: string; value: string }[]): Slack.KnownBlock[] {
  const blocks: Slack.KnownBlock[] = [];
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION) {
    blocks.push({
      type: 'section',
      fields: fields.slice(i, i + FIELDS_PER_SECTION).map((f) => ({
        type: 'mrkdwn' as const,
        text: clip(`*${escapeMrkdwn(withoutDelimiters(f.label))}*\n${escapeUserText(withoutDelimiters(f.value))}`, FIELD_TEXT_MAX),
      })),
    });
  }
  return blocks;
}

function renderButton(b: Button): Slack.Button {
  return {
    type: 'button',
    action_id: b.id,
    value: b.id,
    text: plain(b.label, BUTTON_TEXT_MAX),
    ...(b.style === 'default' ? {} : { style: b.style }),
    ...(b.confirm
      ? {
          confirm: {
            title: plain(b.confirm.title, 100),
            text: plain(b.confirm.text, 300),
            confirm: plain(b.confirm.confirm, 30),
            deny: plain(b.confirm.deny, 30),
            ...(b.style === 'danger' ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

function renderButtons(buttons: Button[]): Slack.KnownBlock[] {
  const blocks: Slack.KnownBlock[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ACTIONS) {
    blocks.push({ type: 'actions', elements: buttons.slice(i, i + BUTTONS_PER_ACTIONS).map(renderButton) });
  }
  return blocks;
}

function renderBlock(b: Block): Slack.KnownBlock[] {
  switch (b.type) {
    case 'text':
      return renderText(b.text);
    case 'table':
      return renderTable(b.columns, b.rows);
    case 'fields':
      return renderFields(b.fields);
    case 'buttons':
      return renderButtons(b.buttons);
    case 'file':
      // Uploaded to the reader's DM (index.ts); the message names it.
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: `📎 \`${escapeEntities(b.file.name)}\`` }] }];
    default:
      return assertNever(b);
  }
}

/** Marks as written, user text with every `&`, `<` and `>` escaped. */
const toFallback = (text: string): string =>
  renderInline(text, {
    plain: (s) => escapeMrkdwn(s.text),
    user: (s) => escapeEntities(s.text),
    bold: (s) => `**${escapeMrkdwn(s.text)}**`,
    code: (s) => `\`${escapeEntities(s.text)}\``,
    link: (s) => `[${escapeMrkdwn(s.text)}](${s.url})`,
  });

/** The notification text Slack shows where blocks cannot be (push, screen readers); buttons left out. */
function fallbackText(r: Reply): string {
  const parts = r.blocks.flatMap((b) => {
    switch (b.type) {
      case 'text':
        return [b.text];
      case 'fields':
        return [b.fields.map((f) => `${f.label}: ${f.value}`).join(', ')];
      case 'table':
        return [`(${b.rows.length} row${b.rows.length === 1 ? '' : 's'})`];
      case 'buttons':
        return [];
      case 'file':
        return [b.file.name];
      default:
        return assertNever(b);
    }
  });
  // Notifications show this text as written, but Slack still reads `<…>` in it: people's text gets no mention here either.
  return clip(toFallback(parts.join('\n')), FALLBACK_TEXT_MAX);
}

/** A core Reply as a Slack message. Where it goes (ephemeral, channel, DM, in place) is index.ts's call. */
export function renderReply(r: Reply): SlackMessage {
  return { text: fallbackText(r), blocks: r.blocks.flatMap(renderBlock) };
}

type LoginModalOutcome = Extract<Outcome, { kind: 'login-modal' }>;

/** The `/tenant login` modal: one plain-text input for the key; the sealed context (modal-context.ts) rides in private_metadata. */
export function renderLoginModal(o: LoginModalOutcome, sealedContext: string): Slack.ModalView {
  return {
    type: 'modal',
    callback_id: LOGIN_MODAL.callbackId,
    title: plain(o.title, 24),
    submit: plain(o.submit ?? 'Log in', 24),
    close: plain(o.cancel ?? 'Cancel', 24),
    private_metadata: sealedContext,
    blocks: [
      {
        type: 'input',
        block_id: LOGIN_MODAL.blockId,
        label: plain(o.label, 2000),
        element: { type: 'plain_text_input', action_id: LOGIN_MODAL.actionId, placeholder: plain(o.placeholder, 150) },
      },
    ],
  };
}
