import { seconds, withDeadline } from './deadline.js';
import { StartupError, startupError } from './problem.js';

/** Slack's auth.test must answer within this. */
const SLACK_AUTH_DEADLINE_MS = 5_000;

/** auth.test errors that mean the token itself is wrong (https://api.slack.com/methods/auth.test). */
const TOKEN_REFUSED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/** `https://slack.com/api/` + `auth.test`, joined as the WebClient joins them. */
const slackMethodUrl = (apiUrl: string, method: string): string => `${apiUrl.replace(/\/+$/, '')}/${method}`;

const causeOf = (err: unknown): string => {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
};

/**
 * Calls auth.test once with SLACK_BOT_TOKEN, within `ms`, before the Slack adapter starts: Bolt's
 * own call retries an unreachable API for many minutes and logs `fetch failed` without the URL.
 * Throws a StartupError naming SLACK_API_URL (unreachable, or not a Slack API) or SLACK_BOT_TOKEN
 * (refused). The token never appears in the message.
 */
export async function checkSlackAuth(config: { SLACK_API_URL: string; SLACK_BOT_TOKEN?: string | undefined }, ms = SLACK_AUTH_DEADLINE_MS): Promise<void> {
  const url = slackMethodUrl(config.SLACK_API_URL, 'auth.test');
  const unreachable = (why: string) =>
    startupError('SLACK_API_URL', `Slack's auth.test at ${url} ${why}; correct SLACK_API_URL (default https://slack.com/api/) or let the bot reach it`);
  const call = async (signal: AbortSignal): Promise<unknown> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.SLACK_BOT_TOKEN ?? ''}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal,
    });
    if (!res.ok) throw unreachable(`answered HTTP ${res.status}`);
    return res.json().catch(() => {
      throw unreachable('did not answer JSON');
    });
  };

  const abort = new AbortController();
  let body: unknown;
  try {
    body = await withDeadline(call(abort.signal), ms, () => unreachable(`did not answer within ${seconds(ms)}`));
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw unreachable(`could not be reached (${causeOf(err)})`);
  } finally {
    abort.abort();
  }

  const answer = body as { ok?: unknown; error?: unknown };
  if (answer?.ok === true) return;
  const error = typeof answer?.error === 'string' ? answer.error : 'an answer without ok';
  if (TOKEN_REFUSED.has(error)) {
    throw startupError('SLACK_BOT_TOKEN', `Slack refused the token (${error}); set it to the Bot User OAuth Token (xoxb-…; OAuth & Permissions) of the installed app`);
  }
  throw unreachable(`answered ${error}`);
}
