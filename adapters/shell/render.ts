import { renderInline, withoutDelimiters } from '../../src/core/inline.js';
import { replyToMarkedText, type Button, type Reply } from '../../src/core/reply.js';

/**
 * Control characters in people's text would drive the terminal (an escape sequence can make a link,
 * move the cursor or recolour what follows): they are shown as `�`.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what this matches
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const printable = (s: string): string => s.replace(CONTROL, '\ufffd');

/** A line the shell writes as it is (its own prompts and notices): user text as typed, nothing that drives the terminal. */
export const terminalLine = (s: string): string => printable(withoutDelimiters(s));

/** A reply as terminal lines; buttons become `[1] Delete  [2] Cancel`. */
export function renderForTerminal(reply: Reply, header?: string): { text: string; buttons: Button[] } {
  const buttons = reply.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  // A terminal shows bold words plainly, code in backticks, a link as its label and address, people's text as typed.
  const body = renderInline(replyToMarkedText(reply), {
    plain: (s) => printable(s.text),
    user: (s) => printable(s.text),
    bold: (s) => printable(s.text),
    code: (s) => `\`${printable(s.text)}\``,
    link: (s) => `${printable(s.text)} (${s.url})`,
  });
  const text = header ? `${header}\n${indent(body)}` : body;
  return { text, buttons };
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
