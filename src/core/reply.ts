import { withoutDelimiters } from './inline.js';

/**
 * The platform-neutral reply model; text carries the neutral inline marks and user text of inline.ts.
 * Adapters render it (Block Kit, Discord components, terminal text) with one switch over
 * `Block['type']` that ends in assertNever. Fields and table cells are text: no marks are read in them.
 */
export type Visibility = 'ephemeral' | 'channel' | 'dm';

export interface ConfirmDialog {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

export interface Button {
  /** Short action id, always under 100 characters: `c:<pendingId>:ok`, `a:<approvalId>:approve`. */
  id: string;
  label: string;
  style: 'danger' | 'primary' | 'default';
  /** Asked by the platform before the click is sent (Slack `confirm`); irreversible actions have one. */
  confirm?: ConfirmDialog;
}

/**
 * A file the reply carries, written on this machine's disk by the handler: the chat adapters upload it
 * to the reader's DM or attach it to the private answer (Discord), the shell shows its path.
 * A `temporary` file is deleted once it has been sent (the shell keeps it: its path is the answer).
 */
export interface FileAttachment {
  /** The name the reader sees: `audit-2026-12-07.jsonl`. */
  name: string;
  /** Where it is on disk. */
  path: string;
  /** `application/x-ndjson`, `text/csv`. */
  contentType: string;
  /** Its size in bytes (Slack's upload asks it first). */
  bytes: number;
  temporary?: boolean;
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'file'; file: FileAttachment }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'buttons'; buttons: Button[] };

export interface Reply {
  blocks: Block[];
  visibility: Visibility;
  /**
   * Holds a secret: the core's secret rule forces it private (ephemeral or a DM) and never lets it
   * replace a message that is not private. Never logged.
   */
  secret?: boolean;
  /** Replaces the message whose button was clicked (edit in place), buttons gone. */
  replaceOriginal?: boolean;
}

export const text = (t: string): Block => ({ type: 'text', text: t });

export function reply(blocks: Block[] | string, visibility: Visibility = 'ephemeral', extra: Partial<Reply> = {}): Reply {
  return { blocks: typeof blocks === 'string' ? [text(blocks)] : blocks, visibility, ...extra };
}

/** The files a reply carries. */
export const filesOf = (r: Reply): FileAttachment[] => r.blocks.flatMap((b) => (b.type === 'file' ? [b.file] : []));

/** `Project: LOCAL`, but `專案：LOCAL`: Chinese text takes the full-width colon, with no space after it. */
const labelColon = (label: string): string => (/[\u3400-\u9fff]/u.test(label) ? '：' : ': ');

/** Plain-text rendering for logs of non-secret replies and tests: marks as written, user text as typed. */
export const replyToPlainText = (r: Reply): string => withoutDelimiters(replyToMarkedText(r));

/** The reply as one text that keeps its inline marks and user text apart (the shell renders it with inline.ts). */
export function replyToMarkedText(r: Reply): string {
  const out: string[] = [];
  for (const b of r.blocks) {
    switch (b.type) {
      case 'text':
        out.push(b.text);
        break;
      case 'fields':
        out.push(b.fields.map((f) => `${f.label}${labelColon(f.label)}${f.value}`).join('\n'));
        break;
      case 'table':
        out.push(formatTable(b.columns, b.rows));
        break;
      case 'buttons':
        out.push(b.buttons.map((btn, i) => `[${i + 1}] ${btn.label}`).join('  '));
        break;
      case 'file':
        out.push(`📎 ${b.file.path}`);
        break;
      default: {
        const never: never = b;
        throw new Error(`unknown block ${JSON.stringify(never)}`);
      }
    }
  }
  return out.join('\n');
}

/** Columns a monospace font gives a character: two for CJK and full-width forms, one otherwise. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Half of a character beyond U+FFFF: two UTF-16 units, one column. */
const SURROGATE = /[\ud800-\udfff]/;
/** Without a wide character or a surrogate, one column per UTF-16 unit (most cells: ids, dates, `sk-…` masks): two scans, not one per character. */
const widthOf = (s: string): number => (WIDE.test(s) || SURROGATE.test(s) ? [...s].reduce((w, ch) => w + (WIDE.test(ch) ? 2 : 1), 0) : s.length);
const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - widthOf(s)));

/** A monospace table; Slack and Discord put it in a code block. Chinese characters count two columns. */
export function formatTable(columns: string[], rows: readonly string[][]): string {
  // Cells are text: user text's delimiters take no room.
  rows = rows.map((r) => r.map(withoutDelimiters));
  const widths = columns.map((c, i) => Math.max(widthOf(c), ...rows.map((r) => widthOf(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
