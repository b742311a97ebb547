import { afterEach, describe, expect, it } from 'vitest';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { Backend, LoginIdentity } from '../../../src/backends/port.js';
import { fail, ok, type Result } from '../../../src/result.js';
import type { Store } from '../../../src/store/index.js';
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

describe('/tenant login on Slack', () => {
  it('opens a modal with one text input, and links the user on submission without ever echoing the key', async () => {
    world = await World.start({ backend: registryWithLogin });
    const carol = world.person('UCAROL', 'carol');

    const typed = await carol.types('/tenant login', { triggerId: 'trigger-login' });
    expect(typed.status).toBe(200);
    const opened = await world.fake.waitFor('views.open', () => world!.fake.callsTo('views.open')[0]);
    expect(opened.args.trigger_id).toBe('trigger-login');
    const view = opened.args.view as Record<string, unknown>;
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'tenant-login',
      title: { type: 'plain_text', text: 'Link your TWCC account' },
      submit: { type: 'plain_text' },
      blocks: [{ type: 'input', label: { text: 'Your TWCC API key' }, element: { type: 'plain_text_input', placeholder: { text: 'Paste the key from the TWCC portal' } } }],
    });

    const submitted = await carol.submits(view, { 'api-key': CAROLS_KEY });
    // An empty 200 closes the modal.
    expect(submitted).toEqual({ status: 200, body: '' });

    const answer = await typed.answer();
    expect(answer).toMatchObject({
      ephemeral: true,
      readable: 'You are linked to TWCC user `carol.chen` as a tenant user. Your key is stored encrypted; `/tenant logout` forgets it.',
    });
    expect(world.publicRecord()).not.toContain(CAROLS_KEY);
    expect(JSON.stringify(world.fake.responses)).not.toContain(CAROLS_KEY);

    const whoami = await (await carol.types('/tenant whoami')).answer();
    expect(whoami.readable).toContain('carol.chen');
  });

  it('says so when TWCC refuses the key, and saves nothing', async () => {
    world = await World.start({ backend: registryWithLogin });
    const carol = world.person('UCAROL', 'carol');
    const typed = await carol.types('/tenant login');
    const opened = await world.fake.waitFor('views.open', () => world!.fake.callsTo('views.open')[0]);

    await carol.submits(opened.args.view as Record<string, unknown>, { 'api-key': 'twcc-key-wrong-000000' });
    expect((await typed.answer()).readable).toBe('Login failed: TWCC did not accept that key. Nothing was saved.');
    expect(await world.store.collection('links').get('slack:UCAROL')).toBeUndefined();
    expect(world.publicRecord()).not.toContain('twcc-key-wrong-000000');
  });

  it('tells the user, with a reference, when Slack will not open the modal', async () => {
    world = await World.start({ backend: registryWithLogin });
    world.fake.failWith('views.open', 'expired_trigger_id');
    const answer = await (await world.person('UCAROL', 'carol').types('/tenant login')).answer();
    expect(answer).toMatchObject({ ephemeral: true });
    const ref = /^Something went wrong on our side; nothing was changed\. \(ref ([0-9a-f]{8})\)$/.exec(answer.readable)?.[1];
    expect(ref).toBeDefined();
    expect(await world.logged(ref!)).toContain('expired_trigger_id');
  });

  it('on the embedded registry answers in words and opens no modal', async () => {
    world = await World.start();
    const answer = await (await world.person('UCAROL', 'carol').types('/tenant login')).answer();
    expect(answer.readable).toMatch(/^This bot runs on the embedded registry: there is nothing to log in to\./);
    expect(world.fake.callsTo('views.open')).toEqual([]);
  });
});
