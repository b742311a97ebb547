import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, test } from 'vitest';
import { compiledScript } from '../helpers/built.js';

/** Runs test/startup/guarded-process.ts in one failure mode: its exit code and its log lines. */
async function runGuarded(mode: string): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, [compiledScript('test/startup/guarded-process.ts'), mode], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += String(c)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, lines: stderr.split('\n').filter(Boolean) };
}

const logged = (lines: string[]) =>
  lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; error: { type: string; message: string; code?: string } });

test('a rejection nobody handled is logged without the request it carried, and the process keeps serving', async () => {
  const { code, lines } = await runGuarded('rejection');

  expect(logged(lines)).toMatchObject([{ level: 50, msg: 'unhandled rejection; still serving', error: { type: 'Error', message: 'request failed' } }]);
  expect(lines.join('\n')).not.toContain('xoxb-guard-secret');
  expect(lines).toContain('still serving');
  expect(code).toBe(0);
});

test('an exception thrown from a callback is logged and the process keeps serving', async () => {
  const { code, lines } = await runGuarded('exception');

  expect(logged(lines)).toMatchObject([
    { level: 50, msg: 'uncaught exception; still serving', error: { type: 'TypeError', message: "Cannot read properties of null (reading 'ssl_check')" } },
  ]);
  expect(lines).toContain('still serving');
  expect(code).toBe(0);
});

test('losing the listening port is fatal: logged, then exit code 1', async () => {
  const { code, lines } = await runGuarded('port-lost');

  expect(logged(lines)).toMatchObject([{ level: 60, msg: 'fatal error; exiting', error: { code: 'EADDRINUSE' } }]);
  expect(lines).not.toContain('still serving');
  expect(code).toBe(1);
});
