import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
afterEach(() => bot.stop());

const secretIn = (text: string) => /`(twcc_[A-Za-z0-9_-]+)`/.exec(text)![1]!;

describe('a new key’s secret', () => {
  it('is only in one ephemeral reply marked secret, and nowhere in the audit log or the store', async () => {
    bot = await TestBot.start();
    await bot.say('admin', '/tenant link @alice alice');
    const created = await bot.say('alice', '/apikey create');
    const secret = secretIn(created.text);
    expect(created.reply).toMatchObject({ visibility: 'ephemeral', secret: true });

    await bot.say('alice', '/apikey list');
    const keyId = /`(k-[0-9a-f]+)`/.exec(created.text)![1]!;
    await bot.say('alice', `/apikey extend ${keyId} 5`);
    const mentions = bot.transcript.filter((s) => s.text.includes(secret));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]!.reply?.secret).toBe(true);

    const audit = (await bot.say('admin', '/tenant audit 200')).text;
    expect(audit).toContain('key.created');
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain(secret.slice(5));

    // Every byte SQLite wrote (the database and any journal beside it).
    const folder = dirname(bot.file);
    for (const f of readdirSync(folder)) {
      const bytes = readFileSync(join(folder, f));
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(secret.slice(5)))).toBe(false);
    }
    // Only its hash is kept: the file does hold the SHA-256 of it.
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(secret).digest('hex');
    expect(readFileSync(bot.file).includes(Buffer.from(hash))).toBe(true);
  });

  it('never reaches a log line, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger('trace', sink);
    logger.info({ reply: { blocks: [{ type: 'text', text: 'twcc_should_not_show' }] }, apiKey: 'abc-should-not-show', headers: { 'x-api-key': 'hdr-should-not-show' } }, 'reply sent');
    const out = lines.join('');
    expect(out).toContain('reply sent');
    expect(out).not.toMatch(/should_not_show|should-not-show/);
    expect(out).toContain('[redacted]');
  });
});
