import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { boltLogger } from '../../../adapters/slack/bolt-logger.js';
import { createLogger, summarizeError } from '../../../src/log.js';

function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

/** An SDK error as the Web API client throws them: the request (and its token) hang off the error. */
function sdkError(): Error {
  return Object.assign(new Error('An API error occurred: invalid_auth'), {
    code: { token: 'xoxb-in-the-code' },
    data: { ok: false, error: 'invalid_auth' },
    request: { headers: { authorization: 'Bearer xoxb-in-the-request' } },
  });
}

test('Bolt’s error log line keeps the error’s name and message, never its request or a code that is not a code', () => {
  const { logger, lines } = capturedLogger();

  boltLogger(logger).error('failed to send', sdkError());

  const [line] = lines.map((l) => JSON.parse(l) as { msg: string; error: unknown });
  expect(line).toMatchObject({ msg: 'failed to send', error: { type: 'Error', message: 'An API error occurred: invalid_auth' } });
  expect(lines.join('')).not.toContain('xoxb-');
});

test('one summarizer: a string or number code is kept, the stack only when asked, a thrown non-error named by type', () => {
  const coded = Object.assign(new TypeError('no'), { code: 'ECONNRESET' });

  expect(summarizeError(coded)).toEqual({ type: 'TypeError', message: 'no', code: 'ECONNRESET' });
  expect(summarizeError(coded, { stack: true }).stack).toMatch(/^TypeError: no\n/);
  expect(summarizeError(Object.assign(new Error('x'), { code: 429 }))).toEqual({ type: 'Error', message: 'x', code: 429 });
  expect(summarizeError('just words')).toEqual({ type: 'string', message: 'just words' });
});
