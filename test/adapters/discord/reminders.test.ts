import { afterEach, describe, expect, it } from 'vitest';
import type { SweepReport } from '../../../src/features/reminders/sweep.js';
import type { AuditEntry } from '../../../src/core/audit.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import { Callback, type FakeMessage } from '../../fakes/discord.js';
import { Harness, alice, bob, linkTeam } from './harness.js';

let h: Harness | undefined;
let sweeper: Sweeper<SweepReport> | undefined;
afterEach(async () => {
  await sweeper?.stop();
  await h?.close();
  h = sweeper = undefined;
});

/** The one message the bot sent in its DM channel with `userId`. */
function dmOf(h: Harness, userId: string): FakeMessage {
  const channel = h.fake.dmChannelOf(userId);
  const messages = [...h.fake.messages.values()].filter((m) => m.channelId === channel);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

describe.each([
  ['the gateway', false],
  ['HTTP interactions', true],
])('a key-expiry reminder on Discord, over %s', (_mode, overHttp) => {
  it('arrives in a DM channel with Extend and Not now; a click there (no guild, `user` not `member`) extends once and edits the DM', async () => {
    // A new key expires in 90 days: with a 90-day threshold the first sweep reminds of it.
    h = await Harness.start({ overHttp, reminderDays: [90] });
    sweeper = h.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
    await linkTeam(h);
    const created = await h.run(bob, 'apikey', 'create');
    const id = /`(k-[0-9a-f]{6})`/.exec(h.fake.original(created).content)![1]!;

    expect((await sweeper.runOnce())?.sent).toBe(1);
    expect(h.fake.calls.filter((c) => c.path === '/users/@me/channels').map((c) => (c.body as { recipient_id: string }).recipient_id)).toEqual([bob.id]);
    const dm = dmOf(h, bob.id);
    expect(dm.content).toMatch(
      new RegExp(`^Your API key \`${id}\` expires \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\.\\n\\*\\*Extend 90 days\\*\\* moves it on; \\*\\*Not now\\*\\* leaves it as it is\\.`),
    );
    expect(h.fake.buttons(dm)).toEqual([
      { type: 2, custom_id: expect.stringMatching(/^c:[\w-]+:ok$/), label: 'Extend 90 days', style: 1 },
      { type: 2, custom_id: expect.stringMatching(/^c:[\w-]+:cancel$/), label: 'Not now', style: 2 },
    ]);
    const [extend] = h.fake.buttons(dm);

    // Someone else's click (alice is an admin) does nothing but tell her so.
    const aliceClick = await h.fake.answered(h.fake.click(alice, dm, extend!.custom_id!));
    expect(h.shown(aliceClick)).toBe('Only @bob, who asked for this, can confirm or cancel it.');
    expect(dm.edits).toBe(0);

    // bob double-clicks Extend in the DM: one update edits the DM in place, the other is told it is done.
    const first = h.fake.click(bob, dm, extend!.custom_id!);
    const second = h.fake.click(bob, dm, extend!.custom_id!);
    await Promise.all([h.fake.answered(first), h.fake.answered(second)]);
    expect([first, second].filter((c) => c.callback?.type === Callback.Update)).toHaveLength(1);
    expect(dm.content).toMatch(new RegExp(`^Key \`${id}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 180 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\)\\.$`));
    expect(dm.components).toEqual([]);
    const other = [first, second].find((c) => c.callback?.type !== Callback.Update)!;
    expect(h.shown(other)).toBe('This has already been handled.');

    // The click came from the DM: no guild, so the audit names the DM as where it happened.
    const extensions = (await h.store.collection<AuditEntry>('audit').values()).filter((e) => e.action === 'key.extended');
    expect(extensions.map((e) => [e.target, e.outcome, e.actor, e.workspace])).toEqual([[id, 'ok', 'discord:1002', 'dm']]);

    const listed = await h.run(bob, 'apikey', 'list');
    expect(h.fake.original(listed).content).toContain('(in 180 days)');
  });

  it('/apikey reminders takes its on|off option and says the state without one', async () => {
    h = await Harness.start({ overHttp });
    sweeper = h.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
    await linkTeam(h);
    const off = await h.run(bob, 'apikey', 'reminders', { state: 'off' });
    expect(h.fake.original(off).content).toBe('Key-expiry reminders turned off: you will get none until `/apikey reminders on`.');
    const asked = await h.run(bob, 'apikey', 'reminders');
    expect(h.fake.original(asked).content).toBe('Your key-expiry reminders are off. `/apikey reminders on` turns them back on.');
  });
});
