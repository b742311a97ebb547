import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../../src/core/sweeper.js';
import type { SweepReport } from '../../../src/features/reminders/sweep.js';
import { actionsOf, World, type Person } from './harness.js';

let world: World;
let sweeper: Sweeper<SweepReport>;
let alice: Person;

// A new key expires in 90 days: with a 90-day threshold the first sweep reminds of it.
beforeEach(async () => {
  world = await World.start({ reminderDays: [90] });
  sweeper = world.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
  const admin = world.person('uadmin1', 'admin1');
  alice = world.person('ualice', 'alice');
  await (await admin.types(`/tenant link ${alice.mention} alice`)).answer();
});

afterEach(async () => {
  await sweeper.stop();
  await world.close();
});

describe('a key-expiry reminder on Mattermost', () => {
  it('arrives as a DM (POST /channels/direct, POST /posts) with Extend and Not now; Extend edits that DM in place', async () => {
    const id = await alice.createsAKey();
    expect((await sweeper.runOnce())?.sent).toBe(1);

    expect(world.fake.callsTo('POST', '/channels/direct').map((c) => c.body)).toEqual([['botuser', 'ualice']]);
    const dm = await world.dmTo('ualice');
    expect(dm.readable).toMatch(
      new RegExp(
        `^Your API key \`${id}\` expires \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\.\\n` +
          '\\*\\*Extend 90 days\\*\\* moves it on; \\*\\*Not now\\*\\* leaves it as it is\\. `/apikey reminders off` stops these messages\\.\\n' +
          '\\[Extend 90 days\\] \\[Not now\\]$',
      ),
    );
    expect(actionsOf(dm).map((a) => a.style)).toEqual(['primary', 'default']);

    const extended = await alice.clicks(dm, 'Extend 90 days');
    expect(extended.replaced).toBe(true);
    expect((await world.dmTo('ualice')).readable).toMatch(new RegExp(`^Key \`${id}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 180 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 90 days\\)\\)\\.$`));
    expect(actionsOf(await world.dmTo('ualice'))).toEqual([]);

    const again = await alice.clicks(dm, 'Extend 90 days');
    expect(again.seen!.readable).toBe('This has already been handled.');
    expect((await sweeper.runOnce())?.sent).toBe(0);
  });

  it('Not now edits the DM in place and leaves the key as it is', async () => {
    await alice.createsAKey();
    await sweeper.runOnce();
    const dm = await world.dmTo('ualice');
    await alice.clicks(dm, 'Not now');
    expect((await world.dmTo('ualice')).readable).toBe('Not now: the key keeps its expiry; nothing was changed.');
    expect((await (await alice.types('/apikey list')).answer()).readable).toContain('(in 90 days)');
  });
});
