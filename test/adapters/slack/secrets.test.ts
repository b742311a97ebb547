import { afterEach, describe, expect, it, vi } from 'vitest';
import { reply } from '../../../src/core/reply.js';
import { APPROVALS, GENERAL, World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SECRET = 'twcc_s3cr3t-value-never-shared';

/** Whatever the core asks for, a reply marked secret stays between the bot and its owner. */
describe('a secret reply on Slack', () => {
  it('goes ephemeral even when the core says channel', async () => {
    world = await World.start();
    vi.spyOn(world.core, 'handle').mockResolvedValue({ kind: 'reply', reply: reply(`\`${SECRET}\``, 'channel', { secret: true }) });
    const answer = await (await world.person('UALICE', 'alice').types('/apikey create')).answer();
    expect(answer).toMatchObject({ ephemeral: true, readable: `\`${SECRET}\`` });
    expect(world.publicRecord()).not.toContain(SECRET);
  });

  it('never replaces a message others can see: it comes as a private answer instead', async () => {
    world = await World.start();
    const admin1 = world.person('UADMIN1', 'admin1');
    const alice = world.person('UALICE', 'alice');
    await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();
    await (await admin1.types(`/quota set ${alice.mention} vcs cpu=9`)).answer();
    const card = await world.postedIn(APPROVALS);

    vi.spyOn(world.core, 'handle').mockResolvedValue({ kind: 'reply', reply: reply(`\`${SECRET}\``, 'channel', { secret: true, replaceOriginal: true }) });
    const answer = await (await world.person('UADMIN2', 'admin2').clicks(card, 'Approve')).answer();
    expect(answer).toMatchObject({ ephemeral: true, replacedOriginal: false });
    expect(world.fake.callsTo('chat.update')).toEqual([]);
    expect(world.publicRecord()).not.toContain(SECRET);
  });

  it('is never posted to the approvals channel by the messenger', async () => {
    world = await World.start();
    await world.core.services.post({ kind: 'approvals', platform: 'slack', origin: { workspace: 'T0001', channelId: GENERAL } }, reply(SECRET, 'channel', { secret: true }));
    expect(world.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await world.logged('refused to post a secret reply to a channel')).not.toContain(SECRET);
  });

  it('may go by DM, which only its owner reads', async () => {
    world = await World.start();
    await world.core.services.post({ kind: 'dm', user: { platform: 'slack', workspace: 'T0001', userId: 'UALICE', name: 'alice' } }, reply(`\`${SECRET}\``, 'dm', { secret: true }));
    expect((await world.dmTo('UALICE')).readable).toBe(`\`${SECRET}\``);
  });
});
