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
  unexpected_answer: 'TWCC answered something the bot did not expect, so it cannot tell what happened.',
  maybe_applied: 'TWCC’s answer was late or unreadable, so the change may have been applied all the same. Check with `/apikey list` or `/quota show` before trying again.',
  credit_exhausted: 'TWCC refused for lack of credit or quota on the project (not a problem with your key). Ask the project’s tenant admin.',
  project_not_visible: 'Your TWCC key cannot see this bot’s project; use a key of a member of that project.',
  not_in_project: 'That is not a key of this project; the bot manages only this project’s keys.',
  service_disabled: 'CCS is not enabled for this deployment; only VCS is.',
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
/** How another admin comes to exist: admins link them on the embedded registry; on TWCC roles come from TWCC. */
const howToAddAdmin = (adminLinks: boolean) =>
  adminLinks
    ? 'an admin can make one with `/tenant link @someone <member> admin`, or list them in ADMINS'
    : 'another TWCC tenant admin has to run `/tenant login`';

export const texts = {
  rateLimited: (action: string, max: number, windowMs: number, retryMs: number) =>
    `You can ${LIMITED_DOING[action]?.(max) ?? `run ${action} at most ${times(max)}`} ${per(windowMs)}; try again in ${waitFor(retryMs)}. Nothing was changed.`,
  unlinkedLocal: (cmd: string) =>
    `You are not linked to a tenant member yet, so \`${cmd}\` cannot run. Ask a tenant admin to run \`/tenant link @you <member>\`, then try again.`,
  unlinkedTwcc: (cmd: string) =>
    `You are not linked to a tenant member yet, so \`${cmd}\` cannot run. Run \`/tenant login\` with your own TWCC API key first.`,
  adminOnly: (cmd: string) => `Only a tenant admin may run \`${cmd}\`. \`/tenant whoami\` shows your role.`,
  /** An unexpected failure before anything was changed (src/core/changes.ts keeps count). */
  internal: (ref: string) => `Something went wrong on our side; nothing was changed. (ref ${ref})`,
  storeUnavailable: (ref: string) => `The bot's storage is unavailable; nothing was changed. Try again in a minute. (ref ${ref})`,
  storeUnavailableMidway: (ref: string) =>
    `The bot's storage stopped answering while this ran; it may or may not have been applied. Check before trying again. (ref ${ref})`,
  /** An unexpected failure after something was changed, or written with an unknown outcome. */
  partlyDone: (ref: string) =>
    `Something went wrong on our side and this did not finish; part of it may already have been done. Check before trying again (\`/apikey list\`, \`/quota show\`); if it happens again, give an admin the reference. (ref ${ref})`,
  recordBusy: (ref: string) =>
    `Someone else was changing the same thing at that moment, so this stopped before changing it. Try again in a moment. (ref ${ref})`,
  sameMember: (member: string, others: string[]) =>
    `\`${member}\` is also linked as ${others.join(', ')}: the bot counts them all as one person, so none of them can approve a request another of them made.`,
  stopping: 'The bot is restarting and did not run this; nothing was changed. Try again in a moment.',
  restarting: 'The bot is restarting; this may or may not have been applied. Check in a minute (e.g. `/apikey list`) before trying again.',
  confirmOnlyRequester: (who: string) => `Only ${who}, who asked for this, can confirm or cancel it.`,
  expired: 'This request has expired; nothing was changed. Run the command again.',
  alreadyDecided: 'This has already been handled.',
  unknownAction: 'That button no longer does anything; nothing was changed.',
  noOtherAdmin: (adminLinks: boolean) => `No other tenant admin exists yet to approve it: ${howToAddAdmin(adminLinks)}.`,
  ownRequest: (adminLinks: boolean) =>
    `You asked for this change: another tenant admin has to approve or reject it. If there is none, ${howToAddAdmin(adminLinks)}.`,
  cancelledByRequester: (note: string | undefined) => `${note ?? 'Cancelled by its requester.'} Nothing was changed.`,
  approvalNotPosted: (id: string) =>
    `Request \`${id}\` is saved, but the bot could not post it to the approvals channel (is the bot invited there?). Ask an admin to check.`,
};
