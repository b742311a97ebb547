import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';

const onOff = z.enum(['on', 'off']).default('off');
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Every environment variable the bot reads; the README's configuration table mirrors this schema. */
export const ConfigSchema = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: z.string().url().default('https://slack.com/api/'),
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional,
  DISCORD_API_URL: z.string().url().default('https://discord.com/api'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BACKEND: z.enum(['local', 'twcc']).default('local'),
  TWCC_API_URL: z.string().url().default('https://apigateway.twcc.ai'),
  TWCC_PROJECT: optional,
  TWCC_VCS_SITE: z.string().default('openstack-taichung-default-2'),
  TWCC_CCS_SITE: optional,
  TWCC_QUOTA_WRITE: onOff,
  STORE_URL: z.string().default('sqlite://./data/twcc-chatops.sqlite'),
  ENCRYPTION_KEY: optional,
  ADMINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(slack|discord|local):[^:\s]+$/, 'ADMINS entries look like slack:U123 or discord:456'))),
  APPROVALS_CHANNEL: optional,
  DISCORD_APPROVALS_CHANNEL: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;

/** `.env` values, under whatever the environment itself sets (Node's own parser). */
export function readDotEnv(path = '.env'): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

export function loadConfig(env: Record<string, string | undefined> = { ...readDotEnv(), ...process.env }): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.BACKEND === 'twcc' && !c.TWCC_PROJECT) throw new Error('invalid configuration:\n  TWCC_PROJECT: required when BACKEND=twcc');
  return c;
}

export const slackEnabled = (c: Config) => Boolean(c.SLACK_BOT_TOKEN && c.SLACK_SIGNING_SECRET);
export const discordEnabled = (c: Config) => Boolean(c.DISCORD_TOKEN && c.DISCORD_APPLICATION_ID);
