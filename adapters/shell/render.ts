import { replyToPlainText, rewriteBold, type Button, type Reply } from '../../src/core/reply.js';

/** A reply as terminal lines; buttons become `[1] Delete  [2] Cancel`. */
export function renderForTerminal(reply: Reply, header?: string): { text: string; buttons: Button[] } {
  const buttons = reply.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  // A terminal shows a bold word plainly.
  const body = rewriteBold(replyToPlainText(reply), (word) => word);
  const text = header ? `${header}\n${indent(body)}` : body;
  return { text, buttons };
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

