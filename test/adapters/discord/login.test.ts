import { afterEach, expect, test } from 'vitest';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import type { LoginIdentity } from '../../../src/backends/port.js';
import { ok, type Result } from '../../../src/result.js';
import { Callback } from '../../fakes/discord.js';
import { Harness, dave } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * On LocalRegistry the core answers `/tenant login` with "login is unsupported", so the modal would
 * never open. This stub says it supports login (as the twcc backend does) and vouches for a fixed
 * identity, which is all the adapter's modal round trip needs.
 */
class LoginBackend extends LocalRegistry {
  override readonly capabilities = { login: true, adminLinks: false, quotaWrite: true, services: ['vcs' as const] };
  readonly keysSeen: string[] = [];
  override async login(_chatKey: string, apiKey: string): Promise<Result<LoginIdentity>> {
    this.keysSeen.push(apiKey);
    return ok({ memberId: 'dave', username: 'dave-twcc', role: 'user', via: 'users-endpoint' });
  }
}

const API_KEY = 'twccAPIkey-0123456789abcdef';

test('/tenant login opens a modal; its submit links the user and the key is never echoed or logged', async () => {
  const backend: { it?: LoginBackend } = {};
  h = await Harness.start({ backend: (store) => (backend.it = new LoginBackend(store)) });

  const opened = await h.run(dave, 'tenant', 'login');

  expect(opened.callback?.type).toBe(Callback.Modal);
  expect(opened.modal).toEqual({
    custom_id: 'tenant-login',
    title: expect.any(String),
    components: [
      {
        type: 1,
        components: [
          { type: 4, custom_id: 'api-key', style: 1, label: expect.any(String), placeholder: expect.any(String), required: true, min_length: 1, max_length: 400 },
        ],
      },
    ],
  });

  const submitted = await h.fake.answered(h.fake.submitModal(dave, opened, { 'api-key': `  ${API_KEY} ` }));

  expect(submitted.callback?.type).toBe(Callback.Reply);
  expect(submitted.callback?.data?.flags).toBe(64);
  expect(h.fake.original(submitted).content).toBe(
    'You are linked to TWCC user `dave-twcc` as a tenant user. Your key is stored encrypted; `/tenant logout` forgets it.',
  );
  expect(backend.it!.keysSeen).toEqual([API_KEY]);
  expect(h.callsMentioning(API_KEY)).toEqual([]);
  expect(h.logs.join('')).not.toContain(API_KEY);

  const whoami = await h.run(dave, 'tenant', 'whoami');
  expect(h.fake.original(whoami).content).toContain('dave-twcc');
});
