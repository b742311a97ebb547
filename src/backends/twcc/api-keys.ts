import type { ApiKey } from '../port.js';
import type { ApiKeyItem } from './schemas.js';

const MASK_CHARS = /[*•…]|x{4,}|X{4,}/;

/**
 * The display form of a key: never the secret. A value TWCC already masked (`abcd****wxyz`) is kept
 * when it shows little; a full secret is cut to its first and last four characters.
 */
export function maskSecret(value: string | undefined): string {
  if (!value) return '…';
  const visible = value.replace(/[*•…]|x{4,}|X{4,}/g, '').length;
  if (MASK_CHARS.test(value) && visible <= 12) return value.slice(0, 40);
  if (value.length >= 16) return `${value.slice(0, 4)}…${value.slice(-4)}`;
  if (value.length >= 8) return `${value.slice(0, 2)}…`;
  return '…';
}

/** Key ids go into a path: only plain id characters, never `.` or `..`. */
export const isKeyId = (id: string) => /^[A-Za-z0-9_.-]{1,64}$/.test(id) && id !== '.' && id !== '..';

/** A TWCC key item as the port's ApiKey; `project` falls back to the configured plan code. */
export function toApiKey(item: ApiKeyItem, owner: string, project: string): ApiKey {
  return {
    id: item.id,
    owner,
    masked: maskSecret(item.key),
    project: item.project || project,
    createdAt: item.created,
    expiresAt: item.expires,
    status: item.status,
  };
}
