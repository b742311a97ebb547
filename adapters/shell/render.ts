import { renderInline } from '../../src/core/inline.js';
import { replyToPlainText, type Button, type Reply } from '../../src/core/reply.js';

/** A reply as terminal lines; buttons become `[1] Delete  [2] Cancel`. */
export function renderForTerminal(reply: Reply, header?: string): { text: string; buttons: Button[] } {
  const buttons = reply.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  // A terminal shows bold words plainly, code in backticks, a link as its label and address.
  const body = renderInline(replyToPlainText(reply), {
    plain: (s) => s.text,
    bold: (s) => s.text,
    code: (s) => `\`${s.text}\``,
    link: (s) => `${s.text} (${s.url})`,
  });
  const text = header ? `${header}\n${indent(body)}` : body;
  return { text, buttons };
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

