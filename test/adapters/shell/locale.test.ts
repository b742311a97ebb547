import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { npmStartPiped } from '../../helpers/npm-start.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-shell-lang-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `printf '…' | npm start`: the terminal reports no locale, so only the member's setting changes the language. */
const npmStart = (input: string, storeFile: string) => npmStartPiped(input, { STORE_URL: `sqlite://${storeFile}`, LANG: 'zh_TW.UTF-8' });

it('the shell answers, and says its own lines, in the language the member chose with /tenant lang; English before and after', async () => {
  const script = ['/quota pending', '7', '/tenant lang zh-TW', '/quota pending', '7', '/tenant lang en', '/quota pending', ''];
  const { code, out } = await npmStart(script.join('\n'), join(dir, 'a.sqlite'));
  expect(code).toBe(0);
  const answers = out.split('\n').filter((l) => /quota requests|配額申請|speaks|繁體中文|button|按鈕/.test(l));
  expect(answers).toEqual([
    expect.stringContaining('No quota requests are waiting for approval.'),
    // The shell's own lines follow the setting too.
    expect.stringContaining('There is no button to click.'),
    expect.stringContaining('機器人之後會用繁體中文回覆你，不論你在哪個平台。'),
    expect.stringContaining('目前沒有等待核准的配額申請。'),
    expect.stringContaining('目前沒有可以按的按鈕。'),
    expect.stringContaining('The bot now speaks English to you, wherever you write to it.'),
    expect.stringContaining('No quota requests are waiting for approval.'),
  ]);
});
