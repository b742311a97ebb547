import { expect, test } from 'vitest';
import { renderForTerminal } from '../../../adapters/shell/render.js';
import { userText } from '../../../src/core/inline.js';
import { reply } from '../../../src/core/reply.js';

test('people’s text is shown as typed, and cannot drive the terminal', () => {
  // OSC 8 makes a clickable link in many terminals; a reason must not carry one.
  const reason = userText('\u001b]8;;https://evil.example\u0007Approve here\u001b]8;;\u0007 [x](https://e.example) **now**');
  const { text } = renderForTerminal(reply(`Reason: ${reason}\n**Request** \`r-1\``));
  expect(text).toBe('Reason: \ufffd]8;;https://evil.example\ufffdApprove here\ufffd]8;;\ufffd [x](https://e.example) **now**\nRequest `r-1`');
});
