import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { loadEncryptionKey } from '../../crypto/encryption-key.js';
import type { Store } from '../../store/port.js';
import { TwccBackend } from './backend.js';

export { TwccBackend, type TwccBackendOptions } from './backend.js';

/** The twcc backend from the configuration; the encryption key comes from ENCRYPTION_KEY or `dataDir`. */
export function createTwccBackend(opts: {
  config: Config;
  store: Store;
  logger: Logger;
  dataDir: string;
  /** One of several projects (TWCC_PROJECT as a list), on its own view of the store; else TWCC_PROJECT. */
  project?: string;
}): TwccBackend {
  const { config } = opts;
  if (!config.TWCC_PROJECT) throw new Error('TWCC_PROJECT is required when BACKEND=twcc');
  return new TwccBackend({
    apiUrl: config.TWCC_API_URL,
    project: opts.project ?? config.TWCC_PROJECT,
    vcsSite: config.TWCC_VCS_SITE,
    ...(config.TWCC_CCS_SITE ? { ccsSite: config.TWCC_CCS_SITE } : {}),
    quotaWrite: config.TWCC_QUOTA_WRITE === 'on',
    store: opts.store,
    encryptionKey: loadEncryptionKey(config.ENCRYPTION_KEY, opts.dataDir),
    logger: opts.logger,
  });
}
