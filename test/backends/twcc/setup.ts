import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Actor } from '../../../src/backends/port.js';
import type { TwccBackend, TwccBackendOptions } from '../../../src/backends/twcc/index.js';
import type { Result } from '../../../src/result.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { startFakeTwcc, type FakeTwcc, type FakeTwccOptions } from '../../fakes/twcc.js';
import { twccBackendOn } from '../../helpers/twcc-backend.js';

export interface TwccWorld {
  fake: FakeTwcc;
  store: Store;
  backend: TwccBackend;
  dbPath: string;
  encryptionKey: Buffer;
  /** Every log line the backend wrote (debug and up), as JSON text. */
  logs: string[];
  /** Logs `name` (a fake user) in as chat user `slack:<name>` and returns the actor. */
  loginAs(name: string): Promise<Actor>;
  /** A second backend on the same store, fake and log (another replica, or another key). */
  another(overrides?: Partial<TwccBackendOptions>): TwccBackend;
  close(): Promise<void>;
}

/** The value of a Result that must be ok, with the failure in the message otherwise. */
export function valueOf<T>(r: Result<T>): T {
  if (!r.ok) expect.fail(`expected ok, got ${r.code}${r.detail ? ` (${r.detail})` : ''}`);
  return r.value;
}

/**
 * A fake TWCC, a real SQLite store in a temp folder, and the backend on the real undici client,
 * with retries that wait 1 ms so that failure tests stay fast.
 */
export async function startWorld(
  opts: FakeTwccOptions & { backend?: Partial<TwccBackendOptions> } = {},
): Promise<TwccWorld> {
  const fake = await startFakeTwcc(opts);
  const dir = mkdtempSync(join(tmpdir(), 'twcc-backend-'));
  const dbPath = join(dir, 'store.sqlite');
  const store = await openStore(`sqlite://${dbPath}`);
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const encryptionKey = randomBytes(32);
  const make = (overrides: Partial<TwccBackendOptions> = {}) =>
    twccBackendOn(fake, { encryptionKey, logger, timeouts: { connectMs: 1_000, headersMs: 2_000, bodyMs: 2_000 }, ...opts.backend, ...overrides })(store);
  const backend = make();
  const others: TwccBackend[] = [];

  return {
    fake,
    store,
    backend,
    dbPath,
    encryptionKey,
    logs,
    async loginAs(name) {
      const user = fake.users[name]!;
      const chatKey = `slack:${name}`;
      const identity = valueOf(await backend.login(chatKey, user.apiKey));
      return { chatKey, memberId: identity.memberId, role: identity.role };
    },
    another(overrides) {
      const b = make(overrides);
      others.push(b);
      return b;
    },
    async close() {
      for (const b of [backend, ...others]) await b.close();
      await store.close().catch(() => undefined);
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
