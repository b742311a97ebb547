import type { ErrorCode } from '../result.js';

/** Every failure a user can meet, keyed by its stable code. Adapters never word their own errors. */
export const errorText: Record<ErrorCode, string> = {
  key_not_found: 'No API key with that id. `/apikey list` shows your keys.',
  member_not_found: 'No tenant member by that name.',
  not_owner: 'That key belongs to another member; only its owner or an admin may change it.',
  forbidden: 'Only a tenant admin may do that.',
  others_keys_unsupported: 'On TWCC a key sees only its own user’s keys: ask that member to run `/apikey list`.',
  main_key: 'That is the main key of the account; TWCC does not let it be deleted.',
  credential_invalid: 'Your TWCC key is no longer valid, run `/tenant login`.',
  not_logged_in: 'You have no TWCC key on file, run `/tenant login`.',
  login_unsupported: 'This bot runs on the embedded registry: there is nothing to log in to. Ask an admin to run `/tenant link @you <member>`.',
  link_unsupported: 'On TWCC, members link themselves with `/tenant login` and roles come from TWCC; `/tenant link` is for the embedded registry.',
  quota_write_unsupported: 'This bot cannot change quotas on TWCC; apply it on the portal’s Quota page.',
  quota_exceeds_project: 'That is more than the whole project has.',
  backend_unavailable: 'TWCC did not answer in time or is unavailable. Try again in a minute.',
  backend_bad_response: 'TWCC answered in a way the bot does not understand; nothing was changed.',
  backend_error: 'TWCC refused the request.',
};

export function describeError(code: ErrorCode, detail?: string): string {
  const base = errorText[code];
  return detail ? `${base} (${detail})` : base;
}

/** What each rate-limited action is, as "you can … at most N …". */
const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
const LIMITED_DOING: Record<string, (n: number) => string> = {
  'apikey.create': (n) => `create at most ${n} ${n === 1 ? 'key' : 'keys'}`,
  'apikey.extend': (n) => `extend keys at most ${times(n)}`,
  'apikey.delete': (n) => `delete keys at most ${times(n)}`,
  'quota.request': (n) => `request a quota change at most ${times(n)}`,
  'quota.set': (n) => `set quotas at most ${times(n)}`,
};

/** `an hour`, `every 2 hours`, `every 30 minutes`, `a day`. */
function per(windowMs: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  const [ms, name] = units.find(([u]) => windowMs % u === 0) ?? [1_000, 'second'];
  const n = Math.round(windowMs / ms);
  return n === 1 ? `${name === 'hour' ? 'an' : 'a'} ${name}` : `every ${n} ${name}s`;
}

/** `42 minutes`, `30 seconds`, `3 hours`: rounded up, so that trying again then works. */
export function waitFor(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < 60_000) return plural(Math.max(1, Math.ceil(ms / 1_000)), 'second');
  if (ms < 120 * 60_000) return plural(Math.ceil(ms / 60_000), 'minute');
  return plural(Math.ceil(ms / 3_600_000), 'hour');
}

export const texts = {
  rateLimited: (action: string, max: number, windowMs: number, retryMs: number) =>
    `You can ${LIMITED_DOING[action]?.(max) ?? `run ${action} at most ${times(max)}`} ${per(windowMs)}; try again in ${waitFor(retryMs)}. Nothing was changed.`,
  unlinkedLocal: (cmd: string) =>
    `You are not linked to a tenant member yet, so \`${cmd}\` cannot run. Ask a tenant admin to run \`/tenant link @you <member>\`, then try again.`,
  unlinkedTwcc: (cmd: string) =>
    `You are not linked to a tenant member yet, so \`${cmd}\` cannot run. Run \`/tenant login\` with your own TWCC API key first.`,
  adminOnly: (cmd: string) => `Only a tenant admin may run \`${cmd}\`. \`/tenant whoami\` shows your role.`,
  internal: (ref: string) => `Something went wrong on our side; nothing was changed. (ref ${ref})`,
  storeUnavailable: (ref: string) => `The bot's storage is not answering, so this could not run. Try again in a minute. (ref ${ref})`,
  stopping: 'The bot is restarting and did not run this; nothing was changed. Try again in a moment.',
  confirmOnlyRequester: (who: string) => `Only ${who}, who asked for this, can confirm or cancel it.`,
  expired: 'This request has expired; nothing was changed. Run the command again.',
  alreadyDecided: 'This has already been handled.',
  unknownAction: 'That button no longer does anything; nothing was changed.',
  approvalNotPosted: (id: string) =>
    `Request \`${id}\` is saved, but the bot could not post it to the approvals channel (is the bot invited there?). Ask an admin to check.`,
};
