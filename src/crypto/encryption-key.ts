import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;
const ENCRYPTION_KEY_FILE = 'encryption.key';

/** 32 bytes from standard base64 (or base64url); undefined if the text is anything else. */
export function decodeEncryptionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

/**
 * The AES-256-GCM key for stored credentials: `ENCRYPTION_KEY` (base64 of 32 bytes) when set;
 * otherwise `<dataDir>/encryption.key`, generated once with mode 0600 and reused on every start.
 * Throws (a configuration error, at startup) when the value or the file is not a valid key; the
 * message never contains the value.
 */
export function loadEncryptionKey(configValue: string | undefined, dataDir: string): Buffer {
  if (configValue !== undefined && configValue.trim() !== '') {
    const key = decodeEncryptionKey(configValue);
    if (!key) throw new Error('ENCRYPTION_KEY must be 32 bytes in base64 (for example the output of `openssl rand -base64 32`)');
    return key;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, ENCRYPTION_KEY_FILE);
  const created = createKeyFile(path);
  if (created) return created;

  const key = decodeEncryptionKey(readFileSync(path, 'utf8'));
  if (!key) throw new Error(`${path} does not hold a 32-byte base64 key; restore it, or remove it and log in again on TWCC`);
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return key;
}

/**
 * Writes a new key to a private temporary file, then hard-links it into place: the link either
 * appears complete or fails with EEXIST, so two processes starting together agree on one key.
 */
function createKeyFile(path: string): Buffer | undefined {
  const key = randomBytes(KEY_BYTES);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}
