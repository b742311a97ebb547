import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, parseRateLimits } from './core/rate-limit.js';
import { parseReminderDays, parseReminderInterval, type Parsed } from './features/reminders/schedule.js';
import { decodeEncryptionKey } from './crypto/encryption-key.js';
import { STORE_PREFIX_PATTERN } from './store/port.js';
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

/** A parser that names one problem, as one that names several. */
const oneProblem =
  <T>(parse: (text: string) => Parsed<T>) =>
  (text: string): { ok: true; value: T } | { ok: false; problems: string[] } => {
    const parsed = parse(text);
    return parsed.ok ? parsed : { ok: false, problems: [parsed.problem] };
  };

/** `slack:U123` (an admin of their own), or `anna=slack:U123+discord:456` (one person on two platforms: one member). */
const CHAT_ID = '(?:slack|discord|local):[^:\\s+=]+';
const ADMIN_ENTRY = new RegExp(`^(?:${CHAT_ID}|[A-Za-z0-9][A-Za-z0-9._@-]{0,63}=${CHAT_ID}(?:\\+${CHAT_ID})*)$`);
const admins = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(
    z.array(
      z.string().regex(ADMIN_ENTRY, {
        error: (iss) =>
          `"${String(iss.input)}" is not platform:id or member=platform:id+platform:id; list entries like slack:U123,discord:456, ` +
          'and anna=slack:U123+discord:456 for one person on two platforms (platforms: slack, discord, local)',
      }),
    ),
  );

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

/** Every environment variable the bot reads; the README's configuration table mirrors this schema. */
export const ConfigSchema = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: httpUrl('https://slack.com/api/'),
  SLACK_ACK_ANSWER_MS: slackAckAnswerMs,
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
  TWCC_PROJECT: optional,
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
  APPROVALS_CHANNEL: optional,
  DISCORD_APPROVALS_CHANNEL: optional,
  // Node reads TZ too (for its own Date strings); the bot names the zone explicitly wherever it shows a time.
  TZ: z
    .string()
    .default('Asia/Taipei')
    .transform((v) => v.trim())
    .refine(isTimeZone, { error: (iss) => `"${String(iss.input)}" is not an IANA time zone; use a name such as Asia/Taipei or UTC` }),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  LOG_FORMAT: oneOf(['json', 'pretty'], 'json'),
  LOG_FILE: optional,
  AUDIT_WEBHOOK_URL: auditWebhookUrl,
  AUDIT_WEBHOOK_SECRET: auditWebhookSecret,
  AUDIT_WEBHOOK_FORMAT: oneOf(['jsonl', 'splunk-hec'], 'jsonl'),
});
/** The variables ConfigSchema reads (the README table, .env.example and --help list exactly these). */
export type ConfigVariable = keyof typeof ConfigSchema.shape;

/** The variables as written, and beside them (in `parsed`) the values the bot runs on. */
const ConfigWithParsed = ConfigSchema.transform(({ RATE_LIMITS, REMINDER_DAYS, REMINDER_INTERVAL, ...rest }) => ({
  ...rest,
  RATE_LIMITS: RATE_LIMITS.text,
  REMINDER_DAYS: REMINDER_DAYS.text,
  REMINDER_INTERVAL: REMINDER_INTERVAL.text,
  parsed: { rateLimits: RATE_LIMITS.value, reminderDays: REMINDER_DAYS.value, reminderIntervalMs: REMINDER_INTERVAL.value },
}));
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
  DISCORD_TOKEN: 'the bot token (Developer Portal → Bot → Reset Token)',
  DISCORD_APPLICATION_ID: 'the Application ID (Developer Portal → General Information)',
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

function crossFieldProblems(env: Env): StartupProblem[] {
  const problems = [
    ...halfSetPlatform(env, 'Slack', ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'], ['SLACK_APP_TOKEN']),
    ...halfSetPlatform(env, 'Discord', ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID'], ['DISCORD_PUBLIC_KEY']),
  ];
  if (env.BACKEND?.trim() === 'twcc' && (env.TWCC_PROJECT ?? '').trim() === '') {
    problems.push({ variable: 'TWCC_PROJECT', message: "required when BACKEND=twcc; set it to the project's plan code (e.g. GOV108009)" });
  }
  problems.push(...auditWebhookProblems(env));
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
  return parsed.success && problems.length === 0 ? { ok: true, value: parsed.data } : { ok: false, problems };
}

/** The configuration, or a StartupError listing every problem. */
export function loadConfig(env: Env = { ...readDotEnv(), ...process.env }): Config {
  const result = parseConfig(env);
  if (!result.ok) throw new StartupError(result.problems);
  return result.value;
}

export const slackEnabled = (c: Config) => Boolean(c.SLACK_BOT_TOKEN && c.SLACK_SIGNING_SECRET);
export const discordEnabled = (c: Config) => Boolean(c.DISCORD_TOKEN && c.DISCORD_APPLICATION_ID);
/** With the public key, Discord sends interactions over HTTP (any replica may answer); without it, the gateway. */
export const discordOverHttp = (c: Config) => discordEnabled(c) && c.DISCORD_PUBLIC_KEY !== undefined;

/** The services a deployment offers: the embedded registry both; TWCC's CCS only with TWCC_CCS_SITE. */
export const servicesOf = (c: Pick<Config, 'BACKEND' | 'TWCC_CCS_SITE'>): ('vcs' | 'ccs')[] =>
  c.BACKEND === 'twcc' && !c.TWCC_CCS_SITE ? ['vcs'] : ['vcs', 'ccs'];
