import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SweepReport } from '../../../src/features/reminders/sweep.js';
import type { Sweeper } from '../../../src/core/sweeper.js';
import { buttonsOf, World, type Person } from './harness.js';

let world: World;
let sweeper: Sweeper<SweepReport>;
let alice: Person;
let bob: Person;

// A new key expires in 90 days: with a 90-day threshold the first sweep reminds of it.
beforeEach(async () => {
  world = await World.start({ reminderDays: [90] });
  sweeper = world.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
  const admin = world.person('UADMIN1', 'admin1');
  alice = world.person('UALICE', 'alice');
  bob = world.person('UBOB', 'bob');
  await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
  await (await admin.types(`/tenant link ${bob.mention} bob`)).answer();
});

afterEach(async () => {
  await sweeper.stop();
  await world.close();
});

const aliceCreatesAKey = () => alice.createsAKey();

describe('a key-expiry reminder on Slack', () => {
  it('arrives as a DM (conversations.open, chat.postMessage) with Extend and Not now; Extend edits that DM in place', async () => {
    const id = await aliceCreatesAKey();
    expect((await sweeper.runOnce())?.sent).toBe(1);

    expect(world.fake.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['UALICE']);
    const dm = await world.dmTo('UALICE');
    expect(dm.readable).toMatch(
      new RegExp(
        `^Your API key \`${id}\` expires \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\.\\n` +
          '\\*Extend 90 days\\* moves it on; \\*Not now\\* leaves it as it is\\. `/apikey reminders off` stops these messages\\.\\n' +
          '\\[Extend 90 days\\] \\[Not now\\]$',
      ),
    );
    const [extend, notNow] = buttonsOf(dm);
    expect(extend).toMatchObject({ style: 'primary' });
    expect(notNow).not.toHaveProperty('style');

    // Bob cannot use Alice's card: he is told so privately, and the DM is untouched.
    const refused = await (await bob.clicks(dm, 'Extend 90 days')).answer();
    expect(refused).toMatchObject({ ephemeral: true, replacedOriginal: false, readable: 'Only @alice, who asked for this, can confirm or cancel it.' });
    expect(world.fake.callsTo('chat.update')).toEqual([]);

    expect((await alice.clicks(dm, 'Extend 90 days')).status).toBe(200);
    const update = await world.fake.waitFor('chat.update of the DM', () => world.fake.callsTo('chat.update')[0]);
    expect(update.args).toMatchObject({ channel: dm.channel, ts: dm.ts });
    const edited = await world.dmTo('UALICE');
    expect(edited.readable).toMatch(new RegExp(`^Key \`${id}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 180 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\)\\.$`));
    expect(buttonsOf(edited)).toEqual([]);

    // A second click on the old card (Slack may still show it) extends nothing more.
    const again = await (await alice.clicks(dm, 'Extend 90 days')).answer();
    expect(again.readable).toBe('This has already been handled.');
    const listed = await (await alice.types('/apikey list')).answer();
    expect(listed.readable).toContain('(in 180 days)');
    // The new expiry is 180 days away: past the 90-day threshold, so the next sweep sends nothing.
    expect((await sweeper.runOnce())?.sent).toBe(0);
    expect(world.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('Not now edits the DM in place and leaves the key as it is', async () => {
    await aliceCreatesAKey();
    await sweeper.runOnce();
    const dm = await world.dmTo('UALICE');
    await alice.clicks(dm, 'Not now');
    await world.fake.waitFor('chat.update of the DM', () => world.fake.callsTo('chat.update')[0]);
    expect((await world.dmTo('UALICE')).readable).toBe('Not now: the key keeps its expiry; nothing was changed.');
    expect((await (await alice.types('/apikey list')).answer()).readable).toContain('(in 90 days)');
  });
});
