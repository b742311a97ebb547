import { randomBytes } from 'node:crypto';
import { TwccBackend, type TwccBackendOptions } from '../../src/backends/twcc/index.js';
import type { Store } from '../../src/store/port.js';
import type { FakeTwcc } from '../fakes/twcc.js';

/**
 * The real TWCC backend (the undici client) pointed at `fake`, as TestBot's `backend` option wants it:
 * its project and sites, quotas read-only, a fresh encryption key, and retries that do not wait.
 */
export const twccBackendOn =
  (fake: FakeTwcc, overrides: Partial<TwccBackendOptions> = {}) =>
  (store: Store): TwccBackend =>
    new TwccBackend({
      apiUrl: fake.url,
      project: fake.project.name,
      vcsSite: fake.sites.vcs,
      ccsSite: fake.sites.ccs,
      quotaWrite: false,
      store,
      encryptionKey: randomBytes(32),
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      ...overrides,
    });
