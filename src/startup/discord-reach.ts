import { seconds, withDeadline } from './deadline.js';
import { StartupError, startupError } from './problem.js';

/** Discord's `GET /gateway/bot` must answer within this (discord.js would retry and wait up to a minute for READY). */
const DISCORD_REACH_DEADLINE_MS = 5_000;

/** The REST API version discord.js calls: its routes are `<DISCORD_API_URL>/v10/…`. */
const API_VERSION = 'v10';

const causeOf = (err: unknown): string => {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
};

/**
 * Calls `GET /gateway/bot` once with DISCORD_TOKEN, within `ms`, before the Discord adapter starts:
 * the call discord.js makes first at login, which otherwise fails as `getaddrinfo ENOTFOUND discord.com`
 * without naming the variable, or waits a minute on a silent host. Throws a StartupError naming
 * DISCORD_API_URL (unreachable, or not Discord's API) or DISCORD_TOKEN (refused); never the token.
 */
export async function checkDiscordReach(
  config: { DISCORD_API_URL: string; DISCORD_TOKEN?: string | undefined },
  ms = DISCORD_REACH_DEADLINE_MS,
): Promise<void> {
  const url = `${config.DISCORD_API_URL.replace(/\/+$/, '')}/${API_VERSION}/gateway/bot`;
  const unreachable = (why: string) =>
    startupError(
      'DISCORD_API_URL',
      `Discord's API at ${url} ${why}; correct DISCORD_API_URL (default https://discord.com/api), or let the bot reach it (network, DNS, proxy, firewall)`,
    );
  const abort = new AbortController();
  let status: number;
  try {
    const call = fetch(url, { headers: { authorization: `Bot ${config.DISCORD_TOKEN ?? ''}` }, signal: abort.signal }).then(async (res) => {
      await res.body?.cancel();
      return res.status;
    });
    status = await withDeadline(call, ms, () => unreachable(`did not answer within ${seconds(ms)}`));
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw unreachable(`could not be reached (${causeOf(err)})`);
  } finally {
    abort.abort();
  }
  if (status === 401) {
    throw startupError('DISCORD_TOKEN', 'Discord refused the token (401); set it to the Bot token of the application (Developer Portal → Bot → Reset Token)');
  }
  // 429 is Discord's answer too: the login that follows waits for the limit as it should.
  if (status >= 200 && status < 300) return;
  if (status === 429) return;
  throw unreachable(`answered HTTP ${status}`);
}
