import { afterEach, describe, expect, it } from 'vitest';
import { GENERAL, Workspaces, type Place } from './workspaces.js';

let world: Workspaces | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const LAB_A: Place = { teamId: 'TLABA' };
const LAB_B: Place = { teamId: 'TLABB' };

/** The token each Web API call of `method` carried, for calls whose `arg` is `value`. */
const tokensOfCalls = (w: Workspaces, method: string, arg: string, value: string) =>
  w.fake.callsTo(method).filter((c) => c.args[arg] === value).map((c) => c.token);

describe('Slack in several workspaces: the OAuth install', () => {
  it('installs in two workspaces through /slack/install and the redirect; each one’s commands, cards and DMs go out with its own token', async () => {
    world = await Workspaces.start();
    const w = world;

    const a = await w.install({ team: { id: 'TLABA', name: 'Lab A' } });
    expect(a).toEqual({ status: 200, page: expect.stringContaining('twcc-chatops is installed in the workspace Lab A.') });
    const b = await w.install({ team: { id: 'TLABB', name: 'Lab B' } });
    expect(b.status).toBe(200);
    const [tokenA] = w.fake.tokensOf('TLABA');
    const [tokenB] = w.fake.tokensOf('TLABB');
    expect(tokenA).toMatch(/^xoxb-TLABA-/);
    expect(tokenB).toMatch(/^xoxb-TLABB-/);

    // An admin in each workspace: answered, and the user's locale asked with that workspace's token.
    const whoA = await w.types(LAB_A, 'UADMINA', '/tenant whoami');
    expect(whoA.status).toBe(200);
    expect(await whoA.answer()).toMatch(/admin/i);
    const whoB = await w.types(LAB_B, 'UBOB', '/tenant whoami');
    expect(await whoB.answer()).toMatch(/not linked|not a member|link/i);
    expect(tokensOfCalls(w, 'users.info', 'user', 'UADMINA')).toEqual([tokenA]);
    expect(tokensOfCalls(w, 'users.info', 'user', 'UBOB')).toEqual([tokenB]);

    // A quota request in Lab A: the approval card is posted in Lab A with Lab A's token...
    await (await w.types(LAB_A, 'UADMINA', '/tenant link <@UALICE|alice> alice')).answer();
    await (await w.types(LAB_A, 'UADMINA', '/quota set <@UALICE|alice> vcs cpu=16 more training runs')).answer();
    const card = await w.postedIn(GENERAL);
    expect(card.readable).toMatch(/asks to set @alice’s VCS quota: cpu 8 → 16/);
    expect(card.token).toBe(tokenA);

    // ...and decided there by the other admin: the card is updated and the requester told by DM, with Lab A's token.
    expect((await w.clicks(LAB_A, 'UADMINB', card, 'Approve')).status).toBe(200);
    await w.fake.waitFor('the card updated', () => w.fake.callsTo('chat.update')[0]);
    expect(w.fake.callsTo('chat.update').map((c) => c.token)).toEqual([tokenA]);
    const dm = await w.postedIn('DADMINA');
    expect(dm.token).toBe(tokenA);
    expect(tokensOfCalls(w, 'conversations.open', 'users', 'UADMINA')).toEqual([tokenA]);

    // Lab B's token served only Lab B (the install's auth.test, Bob's locale), and no token reached the store in plain text or the log.
    expect(w.fake.calls.filter((c) => c.token === tokenB).map((c) => `${c.method} ${String(c.args.user ?? '')}`)).toEqual(['auth.test ', 'users.info UBOB']);
    const stored = JSON.stringify(await w.stored());
    expect(stored).toContain('"team:TLABA"');
    for (const token of [tokenA!, tokenB!]) {
      expect(stored).not.toContain(token);
      expect(w.logLines.join('')).not.toContain(token);
    }
  });
});
