import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built } from '../../helpers/built.js';
import { expectMatchesChatView, parseJsonl } from '../../helpers/audit-export.js';
import { npmStartPiped } from '../../helpers/npm-start.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-shell-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/tenant audit export in the shell', () => {
  it('writes the file and shows its path, with the summary; its lines parse and match /tenant audit; no secret in it', async () => {
    built('src/main.js');
    const script = ['/tenant link @alice alice', '/as alice', '/apikey create', '/as admin', '/tenant audit 200', '/tenant audit export'];
    // TMPDIR: the export's folder is this test's, removed with it.
    const { code, out } = await npmStartPiped(script.join('\n') + '\n', { STORE_URL: `sqlite://${join(dir, 'a.sqlite')}`, TMPDIR: dir });
    expect(code).toBe(0);
    const secret = /`(twcc_[A-Za-z0-9_-]{32})`/.exec(out)![1]!;
    const summary = /Audit export \(JSON Lines\): 2 entries, from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\. Sent to you privately as `(audit-local-\d{4}-\d{2}-\d{2}\.jsonl)`\./.exec(out);
    expect(summary, out).not.toBeNull();
    const path = new RegExp(`📎 (${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/twcc-[0-9a-f]{12}-${summary![1]!.replace(/\./g, '\\.')})`).exec(out)?.[1];
    expect(path, out).toBeDefined();
    // The shell keeps the file: its path is the answer. Only the bot's user can read it.
    expect(statSync(path!).mode & 0o777).toBe(0o600);
    const content = readFileSync(path!, 'utf8');
    const view = out.slice(out.indexOf('Latest 2 changes'), out.indexOf('Audit export ('));
    expectMatchesChatView(parseJsonl(content), view);
    expect(parseJsonl(content).map((e) => e.action)).toEqual(['member.link', 'apikey.create']);
    expect(content).not.toContain(secret);
  });
});
