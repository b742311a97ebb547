import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, parseRateLimits } from './core/rate-limit.js';
import { parseReminderDays, parseReminderInterval, type Parsed } from './features/reminders/schedule.js';
import { parseDuration } from './core/duration.js';
import { parseApprovalPolicy, parseApproverGroups, unknownGroups, unknownProjects, type ApproverGroups, type PolicyRule } from './features/approvals/policy.js';
import type { ApprovalSettings } from './features/approvals/settings.js';
import { decodeEncryptionKey } from './crypto/encryption-key.js';
import { STORE_PREFIX_PATTERN } from './store/port.js';
import { PROJECT_CODE } from './core/projects.js';
import { StartupError, type StartupProblem } from './startup/problem.js';

type Env = Record<string, string | undefined>;

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** One of `values`; a wrong value is echoed (none of these is a secret) with the accepted ones. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: (iss) => `"${String(iss.input)}" is not one of ${values.join(', ')}; write one of those` }).default(fallback as never);

/** An http(s) URL; the value is not echoed (a URL may carry credentials). */
const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), { error: `is not an http(s) URL; write the whole URL with its scheme, e.g. ${fallback}` });

/** A whole number from `min` to `max`; a wrong value is echoed (none of these is a secret) with the range. */
const wholeNumber = (fallback: number, min: number, max: number, what: string, note?: string) =>
  z
    .string()
    .default(String(fallback))
    .transform((v, ctx) => {
      const n = Number(v.trim());
      if (/^\d+$/.test(v.trim()) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `"${v}" is not ${what}; write a whole number from ${min} to ${max}${note ? ` (${note})` : ''}` });
      return z.NEVER;
    });

const port = wholeNumber(3000, 0, 65535, 'a port number', '0: any free port');

/** SLACK_ACK_ANSWER_MS: Slack waits 3 s for the HTTP answer; Bolt's own no-ack timer is set at 1.5 s. */
const slackAckAnswerMs = wholeNumber(1000, 0, 1200, 'a number of milliseconds', '0: always answer through response_url');

/** How far ahead an API key may expire, in days from today. */
const keyMaxDays = wholeNumber(365, 1, 3650, 'a number of days');

/** How many audit entries are kept (the newest); an older one is deleted as each new one comes. */
const auditKeep = wholeNumber(10_000, 100, 10_000_000, 'a number of entries');

/** Loopback hosts: AUDIT_WEBHOOK_URL may be plain HTTP only to these (a receiver on the same machine, tests). */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** AUDIT_WEBHOOK_URL: HTTPS, or HTTP to loopback; the value is not echoed (a URL may carry a token). */
const auditWebhookUrl = optional.superRefine((v, ctx) => {
  if (v === undefined) return;
  const url = URL.canParse(v) ? new URL(v) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) {
    ctx.addIssue({ code: 'custom', message: 'is not an https URL; write the whole URL of the SIEM endpoint, e.g. https://siem.example.org/ingest' });
  } else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    ctx.addIssue({ code: 'custom', message: 'is plain http: audit events and their signature would cross the network unencrypted; use https (http only to localhost or 127.0.0.1)' });
  }
});

/** AUDIT_WEBHOOK_SECRET: the HMAC key (and the Splunk HEC token); never echoed. */
const auditWebhookSecret = optional.refine((v) => v === undefined || v.length >= 16, {
  error: 'is shorter than 16 characters; generate one with `openssl rand -hex 32` (for splunk-hec: the HEC token)',
});

/**
 * Text whose parsed value the bot uses: the text is kept (the README and --help show `1h`, not
 * milliseconds) beside the value, so that main.ts never parses it again.
 */
const parsedText = <T>(fallback: string, parse: (text: string) => { ok: true; value: T } | { ok: false; problems: string[] }) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const parsed = parse(text);
      if (parsed.ok) return { text, value: parsed.value };
      for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    });

/** Text parsed as parsedText does, for a variable that may stay unset (then `empty`, with no text). */
const parsedOptional = <T>(empty: T, parse: (text: string) => { ok: true; value: T } | { ok: false; problems: string[] }) =>
  optional.transform((text, ctx) => {
    if (text === undefined) return { text, value: empty };
    const parsed = parse(text);
    if (parsed.ok) return { text, value: parsed.value };
    for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

/** A parser that names one problem, as one that names several. */
const oneProblem =
  <T>(parse: (text: string) => Parsed<T>) =>
  (text: string): { ok: true; value: T } | { ok: false; problems: string[] } => {
    const parsed = parse(text);
    return parsed.ok ? parsed : { ok: false, problems: [parsed.problem] };
  };

/** `slack:U123` (an admin of their own), or `anna=slack:U123+discord:456` (one person on two platforms: one member). */
const CHAT_ID = '(?:slack|discord|mattermost|local):[^:\\s+=]+';
// With several projects an entry may name its project first: GOV108009:slack:U123 (src/core/projects.ts).
const ADMIN_ENTRY = new RegExp(`^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,31}:)?(?:${CHAT_ID}|[A-Za-z0-9][A-Za-z0-9._@-]{0,63}=${CHAT_ID}(?:\\+${CHAT_ID})*)$`);
const admins = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(
    z.array(
      z.string().regex(ADMIN_ENTRY, {
        error: (iss) =>
          `"${String(iss.input)}" is not platform:id or member=platform:id+platform:id; list entries like slack:U123,discord:456, ` +
          'and anna=slack:U123+discord:456 for one person on two platforms (platforms: slack, discord, mattermost, local)',
      }),
    ),
  );

/**
 * One project's plan code, or several separated by commas (GOV108009,AI0912345): one deployment for
 * several projects (src/core/projects.ts). A list holds codes (letters, digits, _ and -), each once.
 */
const projectList = optional.superRefine((v, ctx) => {
  if (v === undefined || !v.includes(',')) return;
  const codes = v.split(',').map((s) => s.trim().toUpperCase());
  const bad = codes.filter((c) => !PROJECT_CODE.test(c));
  if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `"${bad[0]}" is not a project code; list plan codes separated by commas, e.g. GOV108009,AI0912345` });
  else if (new Set(codes).size < codes.length) ctx.addIssue({ code: 'custom', message: 'names a project twice; list each project once' });
});

/** The three forms STORE_URL accepts; src/store opens each. */
const STORE_FORMS = 'sqlite://path, redis://host:port or postgres://user@host/db';
const STORE_SCHEMES = ['sqlite', 'redis', 'rediss', 'postgres', 'postgresql'];

/** Why STORE_URL cannot work, or undefined. Only a path or a scheme is echoed, never credentials. */
function storeUrlProblem(url: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return `"${url}" has no scheme; for a SQLite file write sqlite://${url} (accepted: ${STORE_FORMS})`;
  if (!STORE_SCHEMES.includes(scheme.toLowerCase()) || !url.startsWith(`${scheme}://`)) {
    return `"${scheme}:" is not a store this bot can open; write ${STORE_FORMS}`;
  }
  if (scheme === 'sqlite' && url === 'sqlite://') return `sqlite:// needs a file path, e.g. sqlite://./data/twcc-chatops.sqlite`;
  return undefined;
}

/** A comma-separated list of member ids (BREAK_GLASS). */
const memberList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[\w.@-]+$/, { error: (iss) => `"${String(iss.input)}" is not a member id; list member ids separated by commas, e.g. alice,dave` })));

/** Every environment variable the bot reads; the README's configuration table mirrors this schema. */
export const ConfigSchema = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: httpUrl('https://slack.com/api/'),
  SLACK_ACK_ANSWER_MS: slackAckAnswerMs,
  // Slack in several workspaces (OAuth install): all three, instead of SLACK_BOT_TOKEN.
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional.refine((v) => v === undefined || v.length >= 32, {
    error: 'is shorter than 32 characters; generate one with `openssl rand -hex 32` (it signs the install state)',
  }),
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional,
  DISCORD_API_URL: httpUrl('https://discord.com/api'),
  // Not a secret (Discord shows it to anyone with the portal open), so a wrong one may be echoed.
  DISCORD_PUBLIC_KEY: optional.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), {
    error: (iss) => `"${String(iss.input)}" is not 64 hex characters; copy the Public Key from the Developer Portal (General Information)`,
  }),
  PORT: port,
  BACKEND: oneOf(['local', 'twcc'], 'local'),
  TWCC_API_URL: httpUrl('https://apigateway.twcc.ai'),
  TWCC_PROJECT: projectList,
  TWCC_VCS_SITE: z.string().default('openstack-taichung-default-2'),
  TWCC_CCS_SITE: optional,
  TWCC_QUOTA_WRITE: oneOf(['on', 'off'], 'off'),
  STORE_URL: z
    .string()
    .default('sqlite://./data/twcc-chatops.sqlite')
    .superRefine((v, ctx) => {
      const problem = storeUrlProblem(v.trim());
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  STORE_PREFIX: optional.refine((v) => v === undefined || STORE_PREFIX_PATTERN.test(v), {
      error: (iss) => `"${String(iss.input)}" must start with a lower-case letter, then up to 39 lower-case letters, digits or _ (it names tables)`,
    }),
  RATE_LIMITS: parsedText(DEFAULT_RATE_LIMITS, parseRateLimits),
  // Checked whatever the backend: a key that is set but unusable is a mistake even before it is needed.
  ENCRYPTION_KEY: optional.refine((v) => v === undefined || decodeEncryptionKey(v) !== undefined, {
    error: 'is not 32 bytes in base64; generate one with `openssl rand -base64 32`, or unset it to use the key file in the data folder',
  }),
  ADMINS: admins,
  KEY_MAX_DAYS: keyMaxDays,
  AUDIT_KEEP: auditKeep,
  REMINDER_DAYS: parsedText('14,3,1', oneProblem(parseReminderDays)),
  REMINDER_INTERVAL: parsedText('1h', oneProblem(parseReminderInterval)),
  // Break-glass (src/features/quota/terms.ts): members who may apply a quota request at once, and how long its review waits.
  BREAK_GLASS: memberList,
  BREAK_GLASS_REVIEW: parsedText('4h', oneProblem((v) => parseDuration(v, {}))),
  // An approved change the portal has not shown yet (TWCC_QUOTA_WRITE=off) is brought up again after this long.
  PORTAL_REMIND_AFTER: parsedText('48h', oneProblem((v) => parseDuration(v, {}))),
  APPROVALS_CHANNEL: optional,
  DISCORD_APPROVALS_CHANNEL: optional,
  // Approval policies and a waiting request's life (src/features/approvals/); durations as REMINDER_INTERVAL.
  APPROVAL_POLICY: parsedOptional<PolicyRule[]>([], parseApprovalPolicy),
  APPROVER_GROUPS: parsedOptional<ApproverGroups>(new Map(), parseApproverGroups),
  APPROVAL_REASON: oneOf(['required', 'optional'], 'required'),
  APPROVAL_TTL: parsedText('72h', oneProblem((v) => parseDuration(v, {}))),
  APPROVAL_REMIND_AFTER: parsedText('24h', oneProblem((v) => parseDuration(v, { off: true }))),
  APPROVAL_ESCALATE_AFTER: parsedText('off', oneProblem((v) => parseDuration(v, { off: true }))),
  ESCALATION_CHANNEL: optional,
  DISCORD_ESCALATION_CHANNEL: optional,
  // Node reads TZ too (for its own Date strings); the bot names the zone explicitly wherever it shows a time.
  TZ: z
    .string()
    .default('Asia/Taipei')
    .transform((v) => v.trim())
    .refine(isTimeZone, { error: (iss) => `"${String(iss.input)}" is not an IANA time zone; use a name such as Asia/Taipei or UTC` }),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  LOG_FORMAT: oneOf(['json', 'pretty'], 'json'),
  LOG_FILE: optional,
  // Mattermost: on when the server URL, the bot token, the command tokens and the bot's own URL are set.
  MATTERMOST_URL: optional.refine((v) => v === undefined || (/^https?:\/\//i.test(v) && URL.canParse(v)), {
    error: 'is not an http(s) URL; write the Mattermost server’s address with its scheme, e.g. https://mattermost.example.org',
  }),
  MATTERMOST_BOT_TOKEN: optional,
  MATTERMOST_COMMAND_TOKENS: optional,
  MATTERMOST_APPROVALS_CHANNEL: optional,
  MATTERMOST_ESCALATION_CHANNEL: optional,
  MATTERMOST_BOT_URL: optional.refine((v) => v === undefined || (/^https?:\/\//i.test(v) && URL.canParse(v)), {
    error: 'is not an http(s) URL; write the address Mattermost reaches this bot at, e.g. https://chatops.example.org',
  }),
  LOCAL_PROJECTS: projectList,
  AUDIT_WEBHOOK_URL: auditWebhookUrl,
  AUDIT_WEBHOOK_SECRET: auditWebhookSecret,
  AUDIT_WEBHOOK_FORMAT: oneOf(['jsonl', 'splunk-hec'], 'jsonl'),
});
/** The variables ConfigSchema reads (the README table, .env.example and --help list exactly these). */
export type ConfigVariable = keyof typeof ConfigSchema.shape;

/** The variables as written, and beside them (in `parsed`) the values the bot runs on. */
const ConfigWithParsed = ConfigSchema.transform(({ RATE_LIMITS, REMINDER_DAYS, REMINDER_INTERVAL, BREAK_GLASS_REVIEW, PORTAL_REMIND_AFTER, ...rest }) => ({
  ...rest,
  RATE_LIMITS: RATE_LIMITS.text,
  REMINDER_DAYS: REMINDER_DAYS.text,
  REMINDER_INTERVAL: REMINDER_INTERVAL.text,
  BREAK_GLASS_REVIEW: BREAK_GLASS_REVIEW.text,
  PORTAL_REMIND_AFTER: PORTAL_REMIND_AFTER.text,
  parsed: {
    rateLimits: RATE_LIMITS.value,
    reminderDays: REMINDER_DAYS.value,
    reminderIntervalMs: REMINDER_INTERVAL.value,
    /** BREAK_GLASS and BREAK_GLASS_REVIEW as the quota feature takes them. */
    breakGlass: { members: rest.BREAK_GLASS, reviewMs: BREAK_GLASS_REVIEW.value },
    portalRemindAfterMs: PORTAL_REMIND_AFTER.value,
  },
})).transform(withApprovalSettings);

/** The APPROVAL_* variables as written; their settings in `parsed.approvals` (src/features/approvals/settings.ts). */
function withApprovalSettings<
  C extends {
    APPROVAL_POLICY: { text: string | undefined; value: PolicyRule[] };
    APPROVER_GROUPS: { text: string | undefined; value: ApproverGroups };
    APPROVAL_TTL: { text: string; value: number };
    APPROVAL_REMIND_AFTER: { text: string; value: number | undefined };
    APPROVAL_ESCALATE_AFTER: { text: string; value: number | undefined };
    APPROVAL_REASON: ApprovalSettings['reason'];
    parsed: object;
  },
>(c: C) {
  const { APPROVAL_POLICY, APPROVER_GROUPS, APPROVAL_TTL, APPROVAL_REMIND_AFTER, APPROVAL_ESCALATE_AFTER, ...rest } = c;
  const approvals: ApprovalSettings = {
    rules: APPROVAL_POLICY.value,
    groups: APPROVER_GROUPS.value,
    reason: rest.APPROVAL_REASON,
    ttlMs: APPROVAL_TTL.value,
    remindAfterMs: APPROVAL_REMIND_AFTER.value,
    escalateAfterMs: APPROVAL_ESCALATE_AFTER.value,
  };
  return {
    ...rest,
    APPROVAL_POLICY: APPROVAL_POLICY.text,
    APPROVER_GROUPS: APPROVER_GROUPS.text,
    APPROVAL_TTL: APPROVAL_TTL.text,
    APPROVAL_REMIND_AFTER: APPROVAL_REMIND_AFTER.text,
    APPROVAL_ESCALATE_AFTER: APPROVAL_ESCALATE_AFTER.text,
    parsed: { ...(rest.parsed as C['parsed']), approvals },
  };
}
export type Config = z.output<typeof ConfigWithParsed>;

/** An IANA zone name Intl knows (`Asia/Taipei`, `UTC`). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name !== '';
  } catch {
    return false;
  }
}

/** How to get each token of a platform, for the message that says it is missing. */
const WHERE_TO_FIND: Record<string, string> = {
  SLACK_BOT_TOKEN: 'the Bot User OAuth Token (xoxb-…; OAuth & Permissions)',
  SLACK_SIGNING_SECRET: 'the Signing Secret (Basic Information → App Credentials)',
  SLACK_CLIENT_ID: 'the Client ID (Basic Information → App Credentials)',
  SLACK_CLIENT_SECRET: 'the Client Secret (Basic Information → App Credentials)',
  SLACK_STATE_SECRET: 'a random secret of your own (`openssl rand -hex 32`)',
  DISCORD_TOKEN: 'the bot token (Developer Portal → Bot → Reset Token)',
  DISCORD_APPLICATION_ID: 'the Application ID (Developer Portal → General Information)',
  MATTERMOST_URL: 'the Mattermost server’s address (https://mattermost.example.org)',
  MATTERMOST_BOT_TOKEN: 'the bot account’s access token (System Console → Integrations → Bot Accounts)',
  MATTERMOST_COMMAND_TOKENS: 'the tokens of the /apikey, /quota and /tenant slash commands, comma-separated (Integrations → Slash Commands)',
  MATTERMOST_BOT_URL: 'the address Mattermost reaches this bot at (its buttons and the login dialog POST to <it>/mattermost/actions)',
};

/**
 * A platform is on when all of `required` are set; setting only some of its variables is a
 * mistake to report, never a reason to fall back to another mode.
 */
function halfSetPlatform(env: Env, platform: string, required: string[], related: string[]): StartupProblem[] {
  const isSet = (name: string) => (env[name] ?? '').trim() !== '';
  const present = [...required, ...related].filter(isSet);
  if (present.length === 0) return [];
  const named = present.join(' and ');
  return required
    .filter((name) => !isSet(name))
    .map((variable) => ({
      variable,
      message: `not set, but ${named} ${present.length > 1 ? 'are' : 'is'}; set it to ${WHERE_TO_FIND[variable]}, or unset ${named} to run without ${platform}`,
    }));
}

const SLACK_OAUTH = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];

/** One workspace (SLACK_BOT_TOKEN) or every workspace that installs the app (the three OAuth variables), never both. */
function slackProblems(env: Env): StartupProblem[] {
  const isSet = (name: string) => (env[name] ?? '').trim() !== '';
  if (!SLACK_OAUTH.some(isSet)) return halfSetPlatform(env, 'Slack', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'], ['SLACK_APP_TOKEN']);
  const problems = halfSetPlatform(env, 'Slack', [...SLACK_OAUTH, 'SLACK_SIGNING_SECRET'], []);
  const oauth = 'SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET install the app in several workspaces';
  if (isSet('SLACK_BOT_TOKEN')) problems.push({ variable: 'SLACK_BOT_TOKEN', message: `set together with the OAuth variables; ${oauth}, each with its own token: unset SLACK_BOT_TOKEN, or unset those three for one workspace` });
  if (isSet('SLACK_APP_TOKEN')) problems.push({ variable: 'SLACK_APP_TOKEN', message: `Socket Mode serves one workspace; ${oauth} over HTTP: unset SLACK_APP_TOKEN` });
  if (isSet('APPROVALS_CHANNEL')) problems.push({ variable: 'APPROVALS_CHANNEL', message: `a channel id belongs to one workspace; ${oauth}, and approval requests go to the channel they were typed in: unset APPROVALS_CHANNEL` });
  return problems;
}

function crossFieldProblems(env: Env): StartupProblem[] {
  const problems = [
    ...slackProblems(env),
    ...halfSetPlatform(env, 'Discord', ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'], ['DISCORD_PUBLIC_KEY']),
    ...halfSetPlatform(env, 'Mattermost', ['MATTERMOST_URL', 'MATTERMOST_BOT_TOKEN', 'MATTERMOST_COMMAND_TOKENS', 'MATTERMOST_BOT_URL'], ['MATTERMOST_APPROVALS_CHANNEL', 'MATTERMOST_ESCALATION_CHANNEL']),
  ];
  if (env.BACKEND?.trim() === 'twcc' && (env.TWCC_PROJECT ?? '').trim() === '') {
    problems.push({ variable: 'TWCC_PROJECT', message: "required when BACKEND=twcc; set it to the project's plan code (e.g. GOV108009)" });
  }
  problems.push(...auditWebhookProblems(env));
  return problems;
}

/** APPROVAL_POLICY naming a group APPROVER_GROUPS lacks; an escalation with nowhere to go. */
function approvalProblems(c: z.output<typeof ConfigWithParsed>): StartupProblem[] {
  const problems: StartupProblem[] = [];
  const { rules, groups, escalateAfterMs } = c.parsed.approvals;
  for (const group of unknownGroups(rules, groups)) {
    problems.push({ variable: 'APPROVAL_POLICY', message: `approvers=@${group} names no group; define it in APPROVER_GROUPS (e.g. ${group}=alice+dave)` });
  }
  const projects = projectCodes(c);
  for (const project of unknownProjects(rules, projects)) {
    problems.push({ variable: 'APPROVAL_POLICY', message: `project=${project} is not one of this deployment's projects (${projects.join(', ')})` });
  }
  if (escalateAfterMs !== undefined && !c.ESCALATION_CHANNEL && !c.DISCORD_ESCALATION_CHANNEL && !c.MATTERMOST_ESCALATION_CHANNEL) {
    problems.push({
      variable: 'APPROVAL_ESCALATE_AFTER',
      message: 'is set, but none of ESCALATION_CHANNEL, DISCORD_ESCALATION_CHANNEL and MATTERMOST_ESCALATION_CHANNEL is; set the channel to escalate to, or APPROVAL_ESCALATE_AFTER=off',
    });
  }
  return problems;
}

/** The audit stream's URL and secret go together: half of the pair is a mistake, never "streaming off". */
function auditWebhookProblems(env: Env): StartupProblem[] {
  const url = (env.AUDIT_WEBHOOK_URL ?? '').trim() !== '';
  const secret = (env.AUDIT_WEBHOOK_SECRET ?? '').trim() !== '';
  if (url && !secret) return [{ variable: 'AUDIT_WEBHOOK_SECRET', message: 'required with AUDIT_WEBHOOK_URL: every batch is signed with it; generate one with `openssl rand -hex 32` and give it to the receiver too' }];
  if (secret && !url) return [{ variable: 'AUDIT_WEBHOOK_URL', message: 'not set, but AUDIT_WEBHOOK_SECRET is; set it to the SIEM endpoint (https://…), or unset AUDIT_WEBHOOK_SECRET to stream nothing' }];
  return [];
}

/** `.env` values, under whatever the environment itself sets (Node's own parser). */
export function readDotEnv(path = '.env'): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

export type ConfigResult = { ok: true; value: Config } | { ok: false; problems: StartupProblem[] };

/** Parses the environment; every problem is reported at once, one per variable and entry. */
export function parseConfig(env: Env): ConfigResult {
  const parsed = ConfigWithParsed.safeParse(env);
  const problems: StartupProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message }));
  problems.push(...crossFieldProblems(env));
  if (parsed.success) problems.push(...approvalProblems(parsed.data));
  return parsed.success && problems.length === 0 ? { ok: true, value: parsed.data } : { ok: false, problems };
}

/** The configuration, or a StartupError listing every problem. */
export function loadConfig(env: Env = { ...readDotEnv(), ...process.env }): Config {
  const result = parseConfig(env);
  if (!result.ok) throw new StartupError(result.problems);
  return result.value;
}

export const slackEnabled = (c: Config) => Boolean(c.SLACK_SIGNING_SECRET && (c.SLACK_BOT_TOKEN || slackDistributed(c)));
/** Slack in every workspace that installs the app through /slack/install (OAuth), each with its own token. */
export const slackDistributed = (c: Config) => Boolean(c.SLACK_CLIENT_ID && c.SLACK_CLIENT_SECRET && c.SLACK_STATE_SECRET);
export const discordEnabled = (c: Config) => Boolean(c.DISCORD_TOKEN && c.DISCORD_APPLICATION_ID);
export const mattermostEnabled = (c: Config) => Boolean(c.MATTERMOST_URL && c.MATTERMOST_BOT_TOKEN && c.MATTERMOST_COMMAND_TOKENS && c.MATTERMOST_BOT_URL);
/** With the public key, Discord sends interactions over HTTP (any replica may answer); without it, the gateway. */
export const discordOverHttp = (c: Config) => discordEnabled(c) && c.DISCORD_PUBLIC_KEY !== undefined;

/** The services a deployment offers: the embedded registry both; TWCC's CCS only with TWCC_CCS_SITE. */
export const servicesOf = (c: Pick<Config, 'BACKEND' | 'TWCC_CCS_SITE'>): ('vcs' | 'ccs')[] =>
  c.BACKEND === 'twcc' && !c.TWCC_CCS_SITE ? ['vcs'] : ['vcs', 'ccs'];

/**
 * The projects this deployment serves, first one first: TWCC_PROJECT's on TWCC; on the embedded
 * registry LOCAL_PROJECTS', else TWCC_PROJECT's (one project, as before), else `LOCAL`.
 */
export const projectCodes = (c: Pick<Config, 'BACKEND' | 'TWCC_PROJECT' | 'LOCAL_PROJECTS'>): string[] => {
  const list = c.BACKEND === 'twcc' ? c.TWCC_PROJECT : (c.LOCAL_PROJECTS ?? c.TWCC_PROJECT);
  if (!list) return ['LOCAL'];
  const codes = list.split(',').map((s) => s.trim()).filter(Boolean);
  return codes.length > 1 ? codes.map((s) => s.toUpperCase()) : codes;
};
