import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEncryptionKey } from '../../../src/crypto/encryption-key.js';
import { openSecret, sealSecret } from '../../../src/crypto/seal.js';

describe('sealSecret / openSecret (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips any text, with a fresh IV each time', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, context) => {
        expect(openSecret(sealSecret(text, key, context), key, context)).toBe(text);
      }),
    );
    expect(sealSecret('same', key)).not.toBe(sealSecret('same', key));
  });

  it('does not open under another key, another context, or after tampering', () => {
    const sealed = sealSecret('twcc-key-0123456789', key, 'slack:U1');
    expect(openSecret(sealed, randomBytes(32), 'slack:U1')).toBeUndefined();
    expect(openSecret(sealed, key, 'slack:U2')).toBeUndefined();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    expect(openSecret([...parts.slice(0, 3), body.toString('base64url')].join('.'), key, 'slack:U1')).toBeUndefined();
    expect(openSecret('not sealed at all', key)).toBeUndefined();
    expect(sealed).not.toContain('twcc-key');
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => sealSecret('x', randomBytes(16))).toThrow(/32-byte/);
  });
});

describe('loadEncryptionKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twcc-key-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes ENCRYPTION_KEY (base64 of 32 bytes) and writes no file', () => {
    const key = randomBytes(32);
    expect(loadEncryptionKey(key.toString('base64'), join(dir, 'data')).equals(key)).toBe(true);
    expect(loadEncryptionKey(` ${key.toString('base64url')}\n`, join(dir, 'data')).equals(key)).toBe(true);
    expect(() => statSync(join(dir, 'data'))).toThrow();
  });

  it('refuses a wrong ENCRYPTION_KEY without repeating it', () => {
    for (const bad of ['short-secret-value', randomBytes(16).toString('base64'), randomBytes(33).toString('base64')]) {
      expect(() => loadEncryptionKey(bad, dir)).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
      try {
        loadEncryptionKey(bad, dir);
      } catch (err) {
        expect(String(err)).not.toContain(bad);
      }
    }
  });

  it('generates encryption.key once, mode 0600, and reuses it', () => {
    const data = join(dir, 'nested', 'data');
    const first = loadEncryptionKey(undefined, data);
    const file = join(data, 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(loadEncryptionKey('', data).equals(first)).toBe(true);
    expect(loadEncryptionKey(undefined, data).equals(first)).toBe(true);
  });

  it('tightens a key file others can read, and refuses a damaged one', () => {
    const file = join(dir, 'encryption.key');
    const key = randomBytes(32);
    writeFileSync(file, key.toString('base64'));
    chmodSync(file, 0o644);
    expect(loadEncryptionKey(undefined, dir).equals(key)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'garbage');
    expect(() => loadEncryptionKey(undefined, dir)).toThrow(/does not hold a 32-byte base64 key/);
  });
});
