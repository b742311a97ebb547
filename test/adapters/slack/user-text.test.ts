import { afterEach, expect, it } from 'vitest';
import { APPROVALS, World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const HOSTILE_REASON = '[Approve here](https://evil.example/login) [x](https://e.example/<!channel>) <!channel> <@UADMIN2> *urgent*';

it('a hostile reason and display name reach the approvals channel as text: no link, no mention, no <!channel>', async () => {
  world = await World.start();
  const w = world;
  const admin1 = w.person('UADMIN1', 'admin1');
  // A display name is the platform's, chosen by its owner.
  const mallory = w.person('UMALLORY', '[Boss](https://evil.example/boss)');
  await (await admin1.types(`/tenant link ${mallory.mention} mallory`)).answer();

  const asked = await (await mallory.types(`/quota request vcs cpu=16 ${HOSTILE_REASON}`)).answer();
  expect(asked.readable).toMatch(/^Asked the tenant admins to approve VCS quota/);
  const posted = await w.fake.waitFor('the card posted', () => w.fake.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVALS));
  const { text, blocks } = posted.args as { text: string; blocks: { text?: { text: string } }[] };
  const body = blocks[0]!.text!.text;

  for (const shown of [body, text]) {
    expect(shown).not.toMatch(/<https?:/);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<@UADMIN2>');
    expect(shown).toContain('[Approve here](https://evil.example/login)');
    expect(shown).toContain('[Boss](https://evil.example/boss)');
  }
  expect(body).toContain('&lt;!channel&gt;');
  // *urgent* stays two asterisks and a word: zero-width spaces keep mrkdwn from reading them.
  expect(body).toContain('\u200B*\u200Burgent\u200B*\u200B');
});
