import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import type { Outcome } from '../../src/core/outcome.js';
import { renderInline, withoutDelimiters } from '../../src/core/inline.js';
import { formatTable, type Button, type Reply } from '../../src/core/reply.js';
import { assertNever } from '../../src/result.js';

/** Discord's limits (https://discord.com/developers/docs/resources/message#create-message). */
const CONTENT_MAX = 2000;
const EMBED_DESCRIPTION_MAX = 4096;
const EMBEDS_TOTAL_MAX = 6000;
const EMBEDS_MAX = 10;
const BUTTONS_PER_ROW = 5;
const ROWS_MAX = 5;
const BUTTON_LABEL_MAX = 80;
/** A piece of text never longer than this, so it fits the content or an embed. */
const PIECE_MAX = 1900;
const TABLE_LINE_MAX = 500;

export const LOGIN_MODAL_ID = 'tenant-login';
export const API_KEY_FIELD = 'api-key';

type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** A core Reply as Discord message parts; `components` is always set, so an edit removes old buttons. */
interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
}

const buttonStyle: Record<Button['style'], ButtonStyle.Danger | ButtonStyle.Primary | ButtonStyle.Secondary> = {
  danger: ButtonStyle.Danger,
  primary: ButtonStyle.Primary,
  default: ButtonStyle.Secondary,
};

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** A table as monospace code blocks, split by rows so that no block passes PIECE_MAX. */
function tablePieces(columns: string[], rows: string[][]): string[] {
  const fence = (body: string) => `\`\`\`\n${body}\n\`\`\``;
  // A line past TABLE_LINE_MAX wraps unreadably anyway; clipping keeps any three lines in one piece.
  const [header = '', rule = '', ...lines] = inCodeBlock(formatTable(columns, rows))
    .split('\n')
    .map((l) => clip(l, TABLE_LINE_MAX));
  const pieces: string[] = [];
  let current = [header, rule];
  for (const line of lines) {
    if (fence([...current, line].join('\n')).length > PIECE_MAX && current.length > 2) {
      pieces.push(fence(current.join('\n')));
      current = [header, rule];
    }
    current.push(line);
  }
  pieces.push(fence(current.join('\n')));
  return pieces;
}

/**
 * Discord markdown that would act in people's text: links (`[x](url)`), mentions (`<@…>`, `<#…>`,
 * `<@&…>`), spoilers and strikes that could hide the bot's own words between two names, code, quotes,
 * headings and subtext at a line's start. A backslash keeps each as typed; `_` acts only at a word's edge.
 */
const DISCORD_SPECIAL = /[\\`*|~[\]<]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|^\s*[#>-]/gmu;

/** People's text (reasons, names, key names) as Discord shows it typed: no link, no mention, no formatting. */
export const escapeUserText = (text: string): string =>
  text
    .replace(DISCORD_SPECIAL, (special) => special.replace(/\S$/, '\\$&'))
    // allowed_mentions already stops the ping; the zero-width space also stops the highlight.
    .replace(/@(everyone|here)/g, '@\u200B$1');

/** The core's neutral inline marks are Discord's own markdown: bold, code and links pass as written; people's text is escaped. */
export const toDiscordMarkdown = (text: string): string =>
  renderInline(text, {
    plain: (s) => s.text,
    user: (s) => escapeUserText(s.text),
    bold: (s) => `**${s.text}**`,
    code: (s) => `\`${s.text}\``,
    link: (s) => `[${s.text}](${s.url})`,
  });

/** A code block's text: a cell holding three backticks would end the block early, so backticks show as `ˋ`. */
const inCodeBlock = (text: string): string => withoutDelimiters(text).replace(/`/g, 'ˋ');

/** Text split at line ends into pieces of at most PIECE_MAX. */
function textPieces(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const line of text.split('\n').map((l) => clip(l, PIECE_MAX))) {
    if (current && current.length + 1 + line.length > PIECE_MAX) {
      pieces.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) pieces.push(current);
  return pieces;
}

function buttonRows(buttons: Button[]): ButtonRow[] {
  const rows: ButtonRow[] = [];
  for (let i = 0; i < buttons.length && rows.length < ROWS_MAX; i += BUTTONS_PER_ROW) {
    rows.push({
      type: ComponentType.ActionRow,
      components: buttons.slice(i, i + BUTTONS_PER_ROW).map((b) => ({
        type: ComponentType.Button,
        custom_id: b.id,
        label: clip(withoutDelimiters(b.label), BUTTON_LABEL_MAX),
        style: buttonStyle[b.style],
      })),
    });
  }
  return rows;
}

/** Marks the end of a reply that did not fit; room for it is kept free in every container. */
const MORE = '\n…';

/** Packs pieces in order: the message content first, then embed descriptions; the rest is cut with "…". */
function pack(pieces: string[]): Pick<DiscordMessage, 'content' | 'embeds'> {
  let content = '';
  const descriptions: string[] = [];
  let embedChars = 0;
  for (const piece of pieces) {
    if (descriptions.length === 0 && (content ? content.length + 1 : 0) + piece.length <= CONTENT_MAX - MORE.length) {
      content = content ? `${content}\n${piece}` : piece;
      continue;
    }
    const last = descriptions.length - 1;
    const room = EMBEDS_TOTAL_MAX - MORE.length - embedChars;
    if (last >= 0 && descriptions[last]!.length + 1 + piece.length <= EMBED_DESCRIPTION_MAX - MORE.length && piece.length + 1 <= room) {
      descriptions[last] = `${descriptions[last]}\n${piece}`;
      embedChars += piece.length + 1;
    } else if (descriptions.length < EMBEDS_MAX && piece.length <= room) {
      descriptions.push(piece);
      embedChars += piece.length;
    } else {
      if (last >= 0) descriptions[last] += MORE;
      else content += MORE;
      break;
    }
  }
  return { content, embeds: descriptions.map((description) => ({ description })) };
}

/** The one switch over the reply model: text, fields and tables become text pieces, buttons rows. */
export function renderReply(reply: Reply): DiscordMessage {
  const pieces: string[] = [];
  const buttons: Button[] = [];
  for (const block of reply.blocks) {
    switch (block.type) {
      case 'text':
        pieces.push(...textPieces(toDiscordMarkdown(block.text)));
        break;
      case 'fields':
        // A field is text on every platform (Slack's too): its value is often a name, never marks.
        pieces.push(...textPieces(block.fields.map((f) => `**${withoutDelimiters(f.label)}:** ${escapeUserText(withoutDelimiters(f.value))}`).join('\n')));
        break;
      case 'table':
        pieces.push(...tablePieces(block.columns, block.rows));
        break;
      case 'buttons':
        // Discord buttons have no confirm dialog: the card itself, with its danger button, is the confirmation.
        buttons.push(...block.buttons);
        break;
      case 'file':
        // Attached to the answer (respond.ts); the message text says what it is.
        break;
      default:
        assertNever(block);
    }
  }
  return { ...pack(pieces), components: buttonRows(buttons) };
}

/** Private unless the core said `channel` (the core's secret rule already made every secret private). */
export function isPrivate(reply: Reply): boolean {
  return reply.visibility !== 'channel';
}

/** The `/tenant login` modal: one short text input for the member's TWCC API key. */
export function renderLoginModal(outcome: Extract<Outcome, { kind: 'login-modal' }>): APIModalInteractionResponseCallbackData {
  return {
    custom_id: LOGIN_MODAL_ID,
    title: clip(outcome.title, 45),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: API_KEY_FIELD,
            style: TextInputStyle.Short,
            label: clip(outcome.label, 45),
            placeholder: clip(outcome.placeholder, 100),
            required: true,
            min_length: 1,
            max_length: 400,
          },
        ],
      },
    ],
  };
}
