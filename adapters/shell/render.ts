import { replyToPlainText, type Button, type Reply } from '../../src/core/reply.js';

/** A reply as terminal lines; buttons become `[1] Delete  [2] Cancel`. */
export function renderForTerminal(reply: Reply, header?: string): { text: string; buttons: Button[] } {
  const buttons = reply.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  const body = withoutBoldMarks(replyToPlainText(reply));
  const text = header ? `${header}\n${indent(body)}` : body;
  return { text, buttons };
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

/** The core writes Slack's `*bold*`; a terminal shows the word plainly. Code spans keep their stars. */
export const withoutBoldMarks = (text: string): string =>
  text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s.,:;)!?])/g, '$1$2')))
    .join('');
