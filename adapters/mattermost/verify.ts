import { createHash, timingSafeEqual } from 'node:crypto';

/** MATTERMOST_COMMAND_TOKENS: the tokens of the slash commands, comma-separated. */
export const commandTokens = (setting: string): string[] =>
  setting
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The token a slash command request carries (`Authorization: Token …`, else the `token` field) is one
 * of `tokens`. Compared as SHA-256 digests in constant time, against every token, so neither the
 * length nor which token matched shows in the time taken.
 */
export function commandTokenValid(tokens: readonly string[], authorization: string | undefined, field: unknown): boolean {
  const fromHeader = /^Token\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const given = fromHeader ?? (typeof field === 'string' ? field : undefined);
  if (!given) return false;
  const d = digest(given);
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(d, digest(token)) || ok;
  return ok;
}
