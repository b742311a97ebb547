import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** An Ed25519 public key in SPKI DER is this fixed header followed by the 32 raw bytes. */
const ED25519_SPKI_HEADER = Buffer.from('302a300506032b6570032100', 'hex');

/** Discord's replay window: a request signed longer ago than this is refused, even if its signature holds. */
export const MAX_SIGNATURE_AGE_S = 5 * 60;

/** DISCORD_PUBLIC_KEY (64 hex characters, as the Developer Portal shows it) as a node:crypto key. */
export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32 || raw.toString('hex') !== hex.toLowerCase()) throw new Error('DISCORD_PUBLIC_KEY must be 64 hex characters');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_HEADER, raw]), format: 'der', type: 'spki' });
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad-signature' };

/**
 * Discord signs `X-Signature-Timestamp` + the raw body with the application's Ed25519 key
 * (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers).
 * A timestamp more than five minutes away from `nowMs` is refused too, so a captured request cannot be replayed later.
 */
export function verifyDiscordSignature(
  key: KeyObject,
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  nowMs: number,
): SignatureVerdict {
  if (!signature || !timestamp) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_S) return { ok: false, reason: 'stale' };
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: 'bad-signature' };
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  return verify(null, signed, key, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
