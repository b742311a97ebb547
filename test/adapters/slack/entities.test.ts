import { afterEach, expect, it } from 'vitest';
import { APPROVALS, World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('a reason typed with <, > and & shows on the approval card as typed, not as &amp;lt;', async () => {
  world = await World.start();
  const admin1 = world.person('UADMIN1', 'admin1');
  const alice = world.person('UALICE', 'alice');
  await (await admin1.types(`/tenant link ${alice.mention} alice`)).answer();

  // Slack escapes the three characters in the text it sends: the user typed `runs <fast> & big`.
  await (await admin1.types(`/quota set ${alice.mention} vcs cpu=16 runs &lt;fast&gt; &amp; big`)).answer();
  const card = await world.postedIn(APPROVALS);

  expect(card.readable).toContain('\nReason: runs <fast> & big\n');
  // Escaped once for Slack's mrkdwn, as Slack asks.
  expect(JSON.stringify(card.blocks)).toContain('runs &lt;fast&gt; &amp; big');
});
