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
    expect(a.page).toContain('<p lang="zh-TW">twcc-chatops 已安裝於工作區「Lab A」。可以關閉此頁，在 Slack 輸入 /tenant。</p>');
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

  it('refuses a redirect whose state is not this browser’s, or forged: nothing is installed, and the code is not spent', async () => {
    world = await Workspaces.start();
    const w = world;
    const start = await fetch(`${w.url}/slack/install`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    expect(new URL(start.headers.get('location')!).searchParams.get('scope')).toBe('commands,chat:write,im:write,users:read,files:write');
    const code = w.fake.approveInstall({ team: { id: 'TLABA', name: 'Lab A' } });

    // Another browser (no cookie), then a state signed with another secret.
    expect(await w.redirect({ code, state })).toEqual({ status: 400, page: expect.stringContaining('did not complete (slack_oauth_invalid_state)') });
    const forged = `${state.slice(0, -4)}AAAA`;
    expect((await w.redirect({ code, state: forged, cookie: `slack-app-oauth-state=${forged}` })).status).toBe(400);
    expect(w.fake.callsTo('oauth.v2.access')).toEqual([]);
    expect(await w.stored()).toEqual([]);
    const refused = await w.types(LAB_A, 'UADMINA', '/tenant whoami');
    expect(refused).toMatchObject({ status: 200, body: '' });
    await w.logged('Authorization of incoming event did not succeed');
    expect(w.fake.responsesTo(refused.responseUrl)).toEqual([]);
  });

  it('installs org-wide (Enterprise Grid): every workspace of the organization is served with the organization’s token, DMs too', async () => {
    world = await Workspaces.start();
    const w = world;
    const page = await w.install({ enterprise: { id: 'EORG', name: 'Institute' }, isEnterpriseInstall: true });
    expect(page).toEqual({ status: 200, page: expect.stringContaining('installed in the organization Institute') });
    const [orgToken] = w.fake.tokensOf('EORG');
    expect(JSON.stringify(await w.stored())).toContain('"enterprise:EORG"');

    const physics: Place = { teamId: 'TPHYS', enterpriseId: 'EORG', orgWide: true };
    const chemistry: Place = { teamId: 'TCHEM', enterpriseId: 'EORG', orgWide: true };
    expect(await (await w.types(physics, 'UADMINA', '/tenant whoami')).answer()).toMatch(/admin/i);
    await (await w.types(chemistry, 'UADMINA', '/tenant link <@UALICE|alice> alice')).answer();
    await (await w.types(chemistry, 'UADMINA', '/quota set <@UALICE|alice> vcs cpu=16 more training runs')).answer();
    const card = await w.postedIn(GENERAL);
    expect(card.token).toBe(orgToken);
    await w.clicks(chemistry, 'UADMINB', card, 'Approve');
    // The decision's DM knows only the requester's workspace (TCHEM): the organization's installation serves it.
    expect((await w.postedIn('DADMINA')).token).toBe(orgToken);
    expect(new Set(w.fake.calls.filter((c) => c.method !== 'oauth.v2.access').map((c) => c.token))).toEqual(new Set([orgToken]));
    expect((await w.stored()).map((r) => (r as { kind: string }).kind).sort()).toEqual(['installation', 'org-team', 'org-team']);

    // An org-wide uninstall removes it for every workspace.
    await w.event({ teamId: 'TPHYS', enterpriseId: 'EORG', orgWide: true }, { type: 'app_uninstalled' }, Math.floor(Date.now() / 1000));
    await w.logged('Slack installation deleted');
    // Nothing of it is left: the notes of which workspaces it served went with it.
    expect(await w.stored()).toEqual([]);
  });
});

describe('Slack in several workspaces: uninstalls and revocations', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('app_uninstalled and tokens_revoked delete the installation they revoke; the other workspace goes on', async () => {
    world = await Workspaces.start();
    const w = world;
    await w.install({ team: { id: 'TLABA', name: 'Lab A' } });
    await w.install({ team: { id: 'TLABB', name: 'Lab B' } });

    const uninstalled = await w.event(LAB_A, { type: 'app_uninstalled' }, nowSeconds());
    expect(uninstalled.status).toBe(200);
    await w.logged('"event":"uninstalled","deleted":true,"team":"TLABA"');
    expect(JSON.stringify(await w.stored())).not.toContain('team:TLABA');

    // Lab A's commands are no longer served; Lab B's are.
    const fromA = await w.types(LAB_A, 'UADMINA', '/tenant whoami');
    expect(fromA).toMatchObject({ status: 200, body: '' });
    await w.logged('Authorization of incoming event did not succeed');
    expect(await (await w.types(LAB_B, 'UADMINA', '/tenant whoami')).answer()).toMatch(/admin/i);
    expect(w.fake.responsesTo(fromA.responseUrl)).toEqual([]);

    // A revocation naming another bot user revokes nothing; one naming Lab B's bot deletes it.
    await w.event(LAB_B, { type: 'tokens_revoked', tokens: { oauth: ['UINSTALLER'], bot: ['USOMEONEELSE'] } }, nowSeconds());
    await w.logged('"event":"revoked","deleted":false,"team":"TLABB"');
    expect(JSON.stringify(await w.stored())).toContain('team:TLABB');
    await w.event(LAB_B, { type: 'tokens_revoked', tokens: { bot: ['UBOT-TLABB'] } }, nowSeconds());
    await w.logged('"event":"revoked","deleted":true,"team":"TLABB"');
    expect(await w.stored()).toEqual([]);
  });

  it('an event older than a reinstall deletes nothing: late, retried or out of order, the new installation stays', async () => {
    world = await Workspaces.start();
    const w = world;
    await w.install({ team: { id: 'TLABA', name: 'Lab A' } });
    const uninstalledAt = nowSeconds() - 120;
    // The app was uninstalled two minutes ago and installed again since; Slack's retry of the old events arrives now.
    await w.event(LAB_A, { type: 'tokens_revoked', tokens: { bot: ['UBOT-TLABA'] } }, uninstalledAt);
    await w.event(LAB_A, { type: 'app_uninstalled' }, uninstalledAt);
    await w.logged('"event":"uninstalled","deleted":false,"team":"TLABA"');
    await w.logged('"event":"revoked","deleted":false,"team":"TLABA"');
    expect(JSON.stringify(await w.stored())).toContain('team:TLABA');
    expect(await (await w.types(LAB_A, 'UADMINA', '/tenant whoami')).answer()).toMatch(/admin/i);

    // An uninstall after the install, delivered twice: the first deletes, the second finds nothing.
    await w.event(LAB_A, { type: 'app_uninstalled' }, nowSeconds());
    await w.event(LAB_A, { type: 'app_uninstalled' }, nowSeconds());
    await w.logged('"event":"uninstalled","deleted":true,"team":"TLABA"');
    expect(await w.stored()).toEqual([]);
  });

  it('an event that is not one (no team, bad time) is ignored and named in the log, never deleting', async () => {
    world = await Workspaces.start();
    const w = world;
    await w.install({ team: { id: 'TLABA', name: 'Lab A' } });
    await w.event({ teamId: '' }, { type: 'app_uninstalled' }, nowSeconds());
    await w.logged('Slack lifecycle event ignored');
    expect(JSON.stringify(await w.stored())).toContain('team:TLABA');
  });
});

describe('Slack in several workspaces: the installation cache', () => {
  it('serves a fetched installation from memory until its TTL ends on the injected clock, then reads the store again', async () => {
    let now = Date.now();
    world = await Workspaces.start({ now: () => now, cacheTtlMs: 60_000 });
    const w = world;
    await w.install({ team: { id: 'TLABA', name: 'Lab A' } });
    expect(await (await w.types(LAB_A, 'UADMINA', '/tenant whoami')).answer()).toMatch(/admin/i);

    // Another replica deletes the record: this replica still answers from its cache, without a store read...
    await w.store.collection('installations').delete('team:TLABA');
    now += 59_000;
    expect(await (await w.types(LAB_A, 'UADMINA', '/tenant whoami')).answer()).toMatch(/admin/i);
    // ...until the entry's minute is over.
    now += 2_000;
    const late = await w.types(LAB_A, 'UADMINA', '/tenant whoami');
    expect(late).toMatchObject({ status: 200, body: '' });
    await w.logged('Authorization of incoming event did not succeed');
    expect(w.fake.responsesTo(late.responseUrl)).toEqual([]);
  });
});
