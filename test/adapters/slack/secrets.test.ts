import { afterEach, describe, expect, it } from 'vitest';
import type { Middleware } from '../../../src/core/middleware.js';
import { answer } from '../../../src/core/outcome.js';
import { reply } from '../../../src/core/reply.js';
import { APPROVALS, World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SECRET = 'twcc_s3cr3t-value-never-shared';

/** A handler gone wrong: it answers every `kind` invocation with a secret it wants shown publicly. */
const leaky =
  (kind: 'command' | 'click', extra: { replaceOriginal?: boolean } = {}): Middleware =>
  async (inv, next) =>
    inv.kind === kind ? answer(reply(`\`${SECRET}\``, 'channel', { secret: true, ...extra })) : next();

/** Whatever a handler asks for, the core's secret rule keeps a secret between the bot and its owner on Slack. */
describe('a secret reply on Slack', () => {
  it('goes ephemeral even when a handler says channel', async () => {
    world = await World.start({ middleware: [leaky('command')] });
    const answered = await (await world.person('UALICE', 'alice').types('/apikey create')).answer();
    expect(answered).toMatchObject({ ephemeral: true, readable: `\`${SECRET}\`` });
    expect(world.publicRecord()).not.toContain(SECRET);
  });

  it('never replaces a message others can see: it comes as a private answer instead', async () => {
    world = await World.start({ middleware: [leaky('click', { replaceOriginal: true })] });
    const admin1 = world.person('UADMIN1', 'admin1');
    const alice = world.person('UALICE', 'alice');
    await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
    await (await admin1.types(`/quota set ${alice.mention} vcs cpu=9`)).answer();
    const card = await world.postedIn(APPROVALS);

    const answered = await (await world.person('UADMIN2', 'admin2').clicks(card, 'Approve')).answer();
    expect(answered).toMatchObject({ ephemeral: true, replacedOriginal: false });
    expect(world.fake.callsTo('chat.update')).toEqual([]);
    expect(world.publicRecord()).not.toContain(SECRET);
  });
});
