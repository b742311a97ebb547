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

/**
 * Whether a listed key (whole, or masked by TWCC as `abcd****wxyz`) is `secret`. A masked form
 * must show at least 4 characters to count as a match.
 */
export function isSameKey(listed: string, secret: string): boolean {
  if (listed === secret) return true;
  const mask = /[*•…]+|x{4,}|X{4,}/.exec(listed);
  if (!mask) return false;
  const prefix = listed.slice(0, mask.index);
  const suffix = listed.slice(mask.index + mask[0].length);
  if (/[*•…]|x{4,}|X{4,}/.test(suffix) || prefix.length + suffix.length < 4) return false;
  return secret.length > prefix.length + suffix.length && secret.startsWith(prefix) && secret.endsWith(suffix);
}

/**
 * A TWCC key item as the port's ApiKey. A field TWCC left out or sent unreadable is listed in
 * `unknown` with a placeholder value; `loginKey` (the key the bot acts with) marks `usedForLogin`.
 */
export function toApiKey(item: ApiKeyItem, owner: string, loginKey?: string): ApiKey {
  const unknown: NonNullable<ApiKey['unknown']> = [];
  if (item.created === undefined) unknown.push('created');
  if (item.expires === undefined) unknown.push('expires');
  if (item.project === undefined) unknown.push('project');
  return {
    id: item.id,
    owner,
    masked: maskSecret(item.key),
    project: item.project ?? '',
    createdAt: item.created ?? '',
    expiresAt: item.expires ?? null,
    status: item.status,
    ...(item.name ? { name: item.name } : {}),
    ...(item.disabled ? { disabled: true } : {}),
    ...(loginKey !== undefined && item.key ? { usedForLogin: isSameKey(item.key, loginKey) } : {}),
    ...(unknown.length > 0 ? { unknown } : {}),
  };
}
