import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Middleware } from '../../src/core/middleware.js';
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
    // Only its hash is kept: the file (or its write-ahead log, in WAL mode) does hold the SHA-256 of it.
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(secret).digest('hex');
    const written = [bot.file, `${bot.file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
    expect(written.some((bytes) => bytes.includes(Buffer.from(hash)))).toBe(true);
  });

  it('never reaches a log line of the bot’s own logger, even at trace level, even when the work after it fails', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    // The logger main.ts builds, given to the core as main.ts gives it.
    const logger = createLogger('trace', sink);
    // A handler that fails after the key exists: the failure is logged with its cause, the reply with it.
    let failNext = false;
    const failing: Middleware = async (inv, next) => {
      const out = await next();
      if (failNext && out.kind === 'reply') throw Object.assign(new Error('after the key was made'), { reply: out.reply });
      return out;
    };
    bot = await TestBot.start({ logger, middleware: [failing] });
    await bot.say('admin', '/tenant link @alice alice');
    const secret = secretIn((await bot.say('alice', '/apikey create')).text);
    failNext = true;
    const failed = await bot.say('alice', '/apikey create');
    expect(failed.text).toMatch(/ref [0-9a-f]{8}/);

    const out = lines.join('');
    expect(out).toContain('"msg":"invocation"'); // the core logged every invocation…
    expect(out).toContain('invocation failed'); // …and the failure, with the object that held a reply
    expect(out).not.toContain(secret);
    expect(out).not.toMatch(/twcc_[A-Za-z0-9_-]{20,}/);
  });
});
