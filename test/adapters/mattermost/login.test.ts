import { afterEach, describe, expect, it } from 'vitest';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Backend, LoginIdentity } from '../../../src/backends/port.js';
import { fail, ok, type Result } from '../../../src/result.js';
import type { Store } from '../../../src/store/index.js';
import { startFakeTwcc } from '../../fakes/twcc.js';
import { twccBackendOn } from '../../helpers/twcc-backend.js';
import { World } from './harness.js';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const CAROLS_KEY = 'twcc-key-9f8e7d6c5b4a';

/** The embedded registry dressed as a backend with logins (as twcc is): it knows one key, Carol's. */
function registryWithLogin(store: Store): Backend {
  const registry = new LocalRegistry(store);
  const login = async (_chatKey: string, apiKey: string): Promise<Result<LoginIdentity>> => {
    if (apiKey !== CAROLS_KEY) return fail('credential_invalid');
    await registry.ensureMember('carol');
    return ok({ memberId: 'carol', username: 'carol.chen', role: 'user', via: 'users-endpoint' });
  };
  return new Proxy(registry, {
    get(target, prop) {
      if (prop === 'capabilities') return { login: true, adminLinks: false, quotaWrite: false, services: ['vcs'] };
      if (prop === 'login') return login;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const dialogOf = (w: World) => w.fake.callsTo('POST', '/actions/dialogs/open')[0]?.body as { trigger_id: string; url: string; dialog: Record<string, unknown> } | undefined;

describe('/tenant login on Mattermost', () => {
  it('opens an interactive dialog with one password field, and links the user on submission without ever echoing the key', async () => {
    world = await World.start({ backend: registryWithLogin });
    const w = world;
    const carol = w.person('ucarol', 'carol');

    const typed = await carol.types('/tenant login');
    // Acknowledged empty: Mattermost shows nothing; the dialog opens.
    expect(typed).toMatchObject({ status: 200, body: '' });
    const opened = await w.fake.waitFor('the dialog', () => dialogOf(w));
    expect(opened.url).toBe(`${w.url}/mattermost/actions`);
    expect(opened.trigger_id).toMatch(/^\d+\./);
    expect(opened.dialog).toMatchObject({
      callback_id: 'tenant-login',
      title: 'Link your TWCC account',
      elements: [{ name: 'api_key', type: 'text', subtype: 'password', display_name: 'Your TWCC API key', placeholder: 'Paste the key from the TWCC portal' }],
    });

    const submitted = await carol.submitsLogin({ api_key: CAROLS_KEY });
    // An empty JSON object closes the dialog.
    expect(submitted).toEqual({ status: 200, body: '{}' });
    const answer = await typed.answer();
    expect(answer).toMatchObject({
      ephemeral: true,
      readable: 'You are linked to TWCC user `carol.chen` as a tenant user. Your key is stored encrypted; `/tenant logout` forgets it.',
    });
    expect(w.publicRecord()).not.toContain(CAROLS_KEY);
    expect(JSON.stringify(w.fake.responses)).not.toContain(CAROLS_KEY);
    expect((await (await carol.types('/tenant whoami')).answer()).readable).toContain('carol.chen');
  });

  it('says so when TWCC refuses the key, and saves nothing', async () => {
    world = await World.start({ backend: registryWithLogin });
    const carol = world.person('ucarol', 'carol');
    const typed = await carol.types('/tenant login');
    await carol.submitsLogin({ api_key: 'twcc-key-wrong-000000' });
    expect((await typed.answer()).readable).toBe('Login failed: TWCC did not accept that key. Nothing was saved.');
    expect(await world.store.collection('links').get('mattermost:ucarol')).toBeUndefined();
    expect(world.publicRecord()).not.toContain('twcc-key-wrong-000000');
  });

  it('refuses a submission by another user, or with a state the bot did not seal: nobody is linked', async () => {
    world = await World.start({ backend: registryWithLogin });
    const carol = world.person('ucarol', 'carol');
    const mallory = world.person('umallory', 'mallory');
    await carol.types('/tenant login');
    const stolen = await carol.submitsLogin({ api_key: CAROLS_KEY }, { as: mallory });
    expect(stolen).toEqual({ status: 200, body: JSON.stringify({ error: 'Only the person, who asked for this, can confirm or cancel it.' }) });
    expect(await world.logged('"reason":"another user"')).toContain('Mattermost action refused');
    const forged = await carol.submitsLogin({ api_key: CAROLS_KEY }, { state: 'eyJ1IjoidW1hbGxvcnkifQ.bm9wZQ' });
    expect(forged.status).toBe(200);
    expect(await world.logged('"reason":"bad seal"')).toContain('Mattermost action refused');
    expect(await world.store.collection('links').get('mattermost:umallory')).toBeUndefined();
    expect(await world.store.collection('links').get('mattermost:ucarol')).toBeUndefined();
  });

  it('tells the user, with a reference, when Mattermost will not open the dialog', async () => {
    world = await World.start({ backend: registryWithLogin });
    world.fake.failWith('POST /actions/dialogs/open', 400, 'api.dialog.open.expired_trigger.app_error');
    const answer = await (await world.person('ucarol', 'carol').types('/tenant login')).answer();
    const ref = /^Something went wrong on our side; nothing was changed\. \(ref ([0-9a-f]{8})\)$/.exec(answer.readable)?.[1];
    expect(ref).toBeDefined();
    expect(await world.logged(ref!)).toContain('expired_trigger');
  });
});

describe('/tenant login on Mattermost, on the TWCC backend (the undici client against the fake TWCC API)', () => {
  it('links the member by their own TWCC key, then lists their keys from TWCC; the key is never echoed', async () => {
    const twcc = await startFakeTwcc();
    try {
      world = await World.start({ backend: twccBackendOn(twcc) });
      const alice = world.person('ualice', 'alice');
      const typed = await alice.types('/tenant login');
      expect(await alice.submitsLogin({ api_key: twcc.users.alice!.apiKey })).toEqual({ status: 200, body: '{}' });
      expect((await typed.answer()).readable).toBe(`You are linked to TWCC user \`${twcc.users.alice!.username}\` as a tenant user. Your key is stored encrypted; \`/tenant logout\` forgets it.`);
      const list = await (await alice.types('/apikey list')).answer();
      expect(list.post.message).toMatch(/^```\nid +key/m);
      expect(world.publicRecord()).not.toContain(twcc.users.alice!.apiKey);
    } finally {
      await world?.close();
      world = undefined;
      await twcc.close();
    }
  });
});
