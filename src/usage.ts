import { z } from 'zod';
import { ConfigSchema, type ConfigVariable } from './config.js';

/** One line per variable; typed by the schema, so a new variable does not compile until it is described. */
const MEANING: Record<ConfigVariable, string> = {
  SLACK_BOT_TOKEN: 'Slack bot token (xoxb-…); with SLACK_SIGNING_SECRET enables Slack',
  SLACK_SIGNING_SECRET: 'Slack signing secret; with SLACK_BOT_TOKEN enables Slack over HTTP',
  SLACK_APP_TOKEN: 'Slack app-level token (xapp-…): Socket Mode instead of HTTP',
  SLACK_API_URL: 'Slack Web API base',
  SLACK_ACK_ANSWER_MS: 'a slash command answered within this many ms is answered in its HTTP acknowledgement; later ones through response_url (0: always response_url)',
  SLACK_CLIENT_ID: 'Slack app Client ID; with SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET (no SLACK_BOT_TOKEN): install in several workspaces (/slack/install)',
  SLACK_CLIENT_SECRET: 'Slack app Client Secret (OAuth install)',
  SLACK_STATE_SECRET: 'a random secret of at least 32 characters that signs the OAuth install state',
  DISCORD_TOKEN: 'Discord bot token; with DISCORD_APPLICATION_ID enables Discord',
  DISCORD_APPLICATION_ID: 'Discord application id',
  DISCORD_API_URL: 'Discord REST base',
  DISCORD_PUBLIC_KEY: 'the application’s public key (hex): Discord over HTTP interactions (POST /discord/interactions) instead of the gateway',
  PORT: 'HTTP port: Slack events, /healthz, /readyz, /metrics',
  BACKEND: 'local: the embedded registry; twcc: the TWCC API',
  TWCC_API_URL: 'TWCC API gateway',
  TWCC_PROJECT: 'the project’s plan code (e.g. GOV108009), or several comma-separated (GOV108009,AI0912345); required with BACKEND=twcc',
  TWCC_VCS_SITE: 'x-api-host of the VCS site',
  TWCC_CCS_SITE: 'x-api-host of the CCS site',
  TWCC_QUOTA_WRITE: 'on: approved quota changes are applied through TWCC; off: done on the portal',
  STORE_URL: 'sqlite://path, redis://…, postgres://…',
  STORE_PREFIX: 'prefix of every key, table and claim, so several deployments share one Redis or database',
  RATE_LIMITS: 'per-member limits, action=count/window over the defaults (e.g. apikey.create=10/1h; action=off lifts one)',
  ENCRYPTION_KEY: '32 bytes, base64, for stored TWCC credentials (unset: generated once into the data folder)',
  ADMINS: 'bootstrap admins, e.g. slack:U123,discord:456; one person on two platforms: anna=slack:U123+discord:456',
  KEY_MAX_DAYS: '/apikey extend may move a key’s expiry at most this many days from today',
  AUDIT_KEEP: 'how many audit entries are kept, the newest; each new one past that deletes the oldest',
  REMINDER_DAYS: 'days before expiry at which a key’s owner is reminded by DM, comma-separated; off disables',
  REMINDER_INTERVAL: 'how often the reminder sweep runs (30s, 15m, 1h; at least 5s)',
  BREAK_GLASS: 'member ids who may write /quota request … now <reason>: applied at once, reviewed afterwards',
  BREAK_GLASS_REVIEW: 'how long a break-glass change waits for its approval before it is reverted (30s, 4h, 1d)',
  PORTAL_REMIND_AFTER: 'an approved change TWCC does not show yet (applied on the portal) is brought up again in the approvals channel after this long',
  APPROVALS_CHANNEL: 'Slack channel id for approval requests (unset: where the request was typed)',
  DISCORD_APPROVALS_CHANNEL: 'Discord channel id for approval requests (unset: where the request was typed)',
  APPROVAL_POLICY: 'who approves which quota change, rules separated by ; (first match wins), e.g. quota.increase gpu>4 approvals=2 approvers=@gpu-owners; quota approvals=1 (unset: one other admin)',
  APPROVER_GROUPS: 'named approver groups for APPROVAL_POLICY, e.g. gpu-owners=alice+dave,leads=slack:U123',
  APPROVAL_REASON: 'required: /quota request must say why; optional',
  APPROVAL_TTL: 'a request nobody decided expires after this (5s, 30m, 72h, 3d; at least 5s)',
  APPROVAL_REMIND_AFTER: 'approvers are reminded of a request still waiting after this, and again after as long (off: never)',
  APPROVAL_ESCALATE_AFTER: 'a request still waiting after this is posted to the escalation channel too (off: never)',
  ESCALATION_CHANNEL: 'Slack channel id escalated requests go to',
  DISCORD_ESCALATION_CHANNEL: 'Discord channel id escalated requests go to',
  TZ: 'IANA time zone in which dates and times are shown to chat users (e.g. Asia/Taipei, UTC)',
  LOG_LEVEL: 'pino log level',
  LOG_FORMAT: 'json: one JSON object a line; pretty: readable lines (pino-pretty)',
  LOG_FILE: 'append logs to this file (unset: stderr; the shell logs to data/twcc-chatops.log)',
  MATTERMOST_URL: 'Mattermost server address (https://…); with the bot token, command tokens and MATTERMOST_BOT_URL enables Mattermost',
  MATTERMOST_BOT_TOKEN: 'the Mattermost bot account’s access token (REST API v4)',
  MATTERMOST_COMMAND_TOKENS: 'the tokens of the /apikey, /quota and /tenant slash commands, comma-separated; a request with another is refused',
  MATTERMOST_APPROVALS_CHANNEL: 'Mattermost channel id for approval requests (unset: where the request was typed)',
  MATTERMOST_ESCALATION_CHANNEL: 'Mattermost channel id escalated requests go to (APPROVAL_ESCALATE_AFTER)',
  MATTERMOST_BOT_URL: 'the address Mattermost reaches this bot at; buttons and the login dialog POST to <it>/mattermost/actions',
  LOCAL_PROJECTS: 'the embedded registry’s projects, comma-separated (e.g. LAB1,LAB2): one deployment, several projects (unset: LOCAL)',
  AUDIT_WEBHOOK_URL: 'stream every audit event to this SIEM endpoint, in signed JSON Lines batches (https; http only to loopback)',
  AUDIT_WEBHOOK_SECRET: 'HMAC-SHA256 key of the X-Chatops-Signature header (with splunk-hec, the HEC token); required with AUDIT_WEBHOOK_URL',
  AUDIT_WEBHOOK_FORMAT: 'jsonl: one event a line; splunk-hec: Splunk HEC event envelopes, Authorization: Splunk <secret>',
};

/** Walks through defaults, optionals and pipes to the enum inside, if any. */
function choicesOf(type: z.ZodType): readonly string[] | undefined {
  let current: z.ZodType | undefined = type;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof z.ZodEnum) return current.options as string[];
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    current = def.innerType ?? def.in;
  }
  return undefined;
}

/** The value the schema gives an unset variable, or undefined when it stays unset. */
function defaultOf(type: z.ZodType): string | undefined {
  const parsed = type.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return undefined;
  const value = parsed.data;
  if (Array.isArray(value)) return value.length ? value.join(',') : undefined;
  // A variable parsed in config.ts (RATE_LIMITS, REMINDER_*) keeps its text beside the value: show the text.
  if (typeof value === 'object' && value !== null && 'text' in value) return String(value.text);
  return String(value);
}

/** Every variable of src/config.ts with its choices, default and meaning: the `--help` table. */
export function configurationLines(): string[] {
  const shape = ConfigSchema.shape as Record<ConfigVariable, z.ZodType>;
  const names = Object.keys(shape) as ConfigVariable[];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return names.map((name) => {
    const type = shape[name];
    const choices = choicesOf(type);
    const fallback = defaultOf(type);
    const facts = [choices?.join(' | '), fallback !== undefined ? `default ${fallback}` : undefined].filter(Boolean).join('; ');
    return `  ${name.padEnd(width)}${MEANING[name]}${facts ? ` (${facts})` : ''}`;
  });
}

/** What `npm start -- --help` prints. */
export function usage(): string {
  return [
    'twcc-chatops: TWCC API keys and quotas from Slack, Discord or a terminal.',
    '',
    'Usage: npm start [-- --help]',
    '',
    'Modes, chosen by the environment:',
    '  shell    no Slack, Discord or Mattermost set: a prompt on this terminal; input can be piped.',
    '           You start as local:admin; `/help` lists the commands. Logs go to LOG_FILE, else',
    '           to twcc-chatops.log in the data folder (beside the SQLite file, or ./data).',
    '  slack    SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: HTTP on PORT (/slack/events);',
    '           with SLACK_APP_TOKEN too, Socket Mode.',
    '           SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET instead:',
    '           every workspace that installs the app at /slack/install, each with its own token.',
    '  discord  DISCORD_TOKEN and DISCORD_APPLICATION_ID: the Discord gateway (one instance);',
    '           with DISCORD_PUBLIC_KEY too, HTTP interactions on PORT (/discord/interactions; replicas).',
    '  mattermost  MATTERMOST_URL, MATTERMOST_BOT_TOKEN, MATTERMOST_COMMAND_TOKENS and MATTERMOST_BOT_URL:',
    '           HTTP on PORT (/mattermost/commands, /mattermost/actions; replicas).',
    '  Slack and Discord can run in the same process; logs then go to stderr unless LOG_FILE is set.',
    '',
    'Configuration (environment variables; a .env file in the working folder is read, the environment wins):',
    ...configurationLines(),
    '',
    'Set-up tools: node dist/adapters/slack/manifest.js --help; npm run discord:register -- --help;',
    '  npm run mattermost:commands -- --help.',
    '',
  ].join('\n');
}
