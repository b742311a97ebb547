import { afterEach, describe, expect, it } from 'vitest';
import { INTERACTIONS_PATH } from '../../../adapters/discord/http-interactions.js';
import { Callback, startFakeDiscord, type FakeDiscord, type SentInteraction } from '../../fakes/discord.js';
import { startFakeTwcc, type FakeTwcc } from '../../fakes/twcc.js';
import { cleanUpBots, spawnBot } from '../../startup/bot-process.js';
import { APP_ID, GUILD_ID, TOKEN, alice, appKeys } from './harness.js';

const IN_FLIGHT = 50;
/** What an orchestrator allows between SIGTERM and SIGKILL by default. */
const KILL_AFTER_MS = 10_000;
const RESTARTING = 'The bot is restarting; this may or may not have been applied. Check in a minute (e.g. `/apikey list`) before trying again.';

let twcc: FakeTwcc | undefined;
let discord: FakeDiscord | undefined;
afterEach(async () => {
  await cleanUpBots();
  await twcc?.close();
  await discord?.close();
  twcc = discord = undefined;
});

describe.each([
  ['3 s', 3_000],
  ['30 s', 30_000],
])('Discord over HTTP: SIGTERM with %s TWCC answers and 50 deferred /apikey create', (_label, twccDelayMs) => {
  it('edits every deferred answer (its key, or word that the restart leaves it unknown) and exits 0 in time', { timeout: 120_000 }, async () => {
    twcc = await startFakeTwcc();
    discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
    const keys = appKeys();
    const bot = spawnBot({
      BACKEND: 'twcc',
      TWCC_API_URL: twcc.url,
      TWCC_PROJECT: twcc.project.name,
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_API_URL: discord.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;
    discord.useInteractionsEndpoint(`http://127.0.0.1:${port}${INTERACTIONS_PATH}`, keys.privateKey);

    // Alice links her TWCC account through the login modal.
    const member = twcc.users.alice!;
    const opened = await discord.answered(discord.command(alice, 'tenant', 'login'), 20_000);
    expect(opened.callback?.type).toBe(Callback.Modal);
    const linked = await discord.answered(discord.submitModal(alice, opened, { 'api-key': member.apiKey }), 20_000);
    expect(discord.original(linked).content).toContain('You are linked to TWCC user');
    const keysBefore = new Set(member.keys.map((k) => k.key));

    // TWCC slows down; Alice asks for 50 keys; once every one is deferred, the orchestrator sends SIGTERM.
    twcc.setDelay(twccDelayMs);
    const sent: SentInteraction[] = Array.from({ length: IN_FLIGHT }, () => discord!.command(alice, 'apikey', 'create'));
    await discord.until(() => sent.every((s) => s.callback !== undefined), 20_000, 'not every command was deferred');
    expect(sent.map((s) => s.callback?.type)).toEqual(Array(IN_FLIGHT).fill(Callback.DeferReply));
    bot.child.kill('SIGTERM');

    const exit = await bot.exited;
    expect(exit).toMatchObject({ code: 0 });
    expect(bot.stderr()).toMatch(/"msg":"stopped"/);

    // Every deferred answer was edited before the process ended: no "thinking…" is left.
    const answers = sent.map((s) => (discord!.isAnswered(s) ? discord!.original(s).content : undefined));
    expect(answers.filter((a) => a === undefined)).toEqual([]);
    const showsKey = (a: string) => /^New API key/.test(a);
    expect(answers.filter((a) => !showsKey(a!) && a !== RESTARTING)).toEqual([]);
    // A TWCC faster than the shutdown's grace answers some in full; one slower than the shutdown answers none.
    if (twccDelayMs < KILL_AFTER_MS) expect(answers.filter((a) => showsKey(a!)).length).toBeGreaterThan(0);
    else expect(answers.filter((a) => a !== RESTARTING)).toEqual([]);

    // Once TWCC has carried out what it was sent, count the orphans: keys made that no answer shows
    // are at most the answers that said the outcome is unknown.
    await twcc.carriedOut();
    const toldUnknown = answers.filter((a) => a === RESTARTING).length;
    const created = member.keys.filter((k) => !keysBefore.has(k.key));
    const unseen = created.filter((k) => !answers.some((a) => a!.includes(k.key)));
    expect(unseen.length).toBeLessThanOrEqual(toldUnknown);
  });
});
