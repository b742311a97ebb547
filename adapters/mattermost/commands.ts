/**
 * `npm run mattermost:commands -- [--print] [--create --team <id>] [--help]`: the custom slash
 * commands `/apikey`, `/quota` and `/tenant`, built from the command specs, as an admin creates them
 * in System Console → Integrations → Slash Commands (`--print`), or created through the REST API with
 * the bot token (`--create`), which prints each command's token for MATTERMOST_COMMAND_TOKENS.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigSchema, readDotEnv } from '../../src/config.js';
import type { CommandSpec } from '../../src/core/spec.js';
import { commandSpecs } from '../../src/features/index.js';
import { MattermostClient, type CommandBody } from './client.js';
import { COMMANDS_PATH } from './index.js';

/** Mattermost's autocomplete description and hint are short lines. */
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** One custom slash command per spec, POSTing to MATTERMOST_BOT_URL's /mattermost/commands. */
export function buildCommands(specs: readonly CommandSpec[], botUrl: string, teamId: string): CommandBody[] {
  const url = new URL(COMMANDS_PATH, botUrl.endsWith('/') ? botUrl : `${botUrl}/`).href;
  return specs.map((s) => ({
    team_id: teamId,
    trigger: s.name,
    method: 'P',
    url,
    display_name: `twcc-chatops ${s.name}`,
    description: clip(s.description, 128),
    auto_complete: true,
    auto_complete_desc: clip(s.description, 128),
    auto_complete_hint: clip(s.usageHint, 128),
  }));
}

const USAGE = `Usage: npm run mattermost:commands -- [--print] [--create --team <team id>] [--help]

The custom slash commands /apikey, /quota and /tenant (built from the command specs), each POSTing
to MATTERMOST_BOT_URL/mattermost/commands (environment or .env).

  --print        print what to enter in System Console → Integrations → Slash Commands → Add
                 (Main Menu → Integrations in older versions), one block per command; no token needed.
  --create       create them through the REST API with MATTERMOST_URL and MATTERMOST_BOT_TOKEN
                 (the bot needs the permission to manage slash commands), and print their tokens:
                 put them, comma-separated, in MATTERMOST_COMMAND_TOKENS.
  --team <id>    the team the commands belong to (with --create: required; the team's id, from
                 GET /api/v4/teams/name/<team name>).
  --help         this text.
`;

/** What an admin types into the Add Slash Command form, field by field. */
function printable(commands: CommandBody[]): string {
  return commands
    .map((c) =>
      [
        `/${c.trigger}`,
        `  Title:                    ${c.display_name}`,
        `  Description:              ${c.description}`,
        `  Command Trigger Word:     ${c.trigger}`,
        `  Request URL:              ${c.url}`,
        '  Request Method:           POST',
        `  Autocomplete:             on`,
        `  Autocomplete Hint:        ${c.auto_complete_hint}`,
        `  Autocomplete Description: ${c.auto_complete_desc}`,
      ].join('\n'),
    )
    .join('\n\n');
}

/**
 * The three variables the tool needs, each checked as the bot checks it; not the whole configuration,
 * which refuses Mattermost without MATTERMOST_COMMAND_TOKENS, the very tokens this tool makes.
 */
function toolConfig(env: Record<string, string | undefined> = { ...readDotEnv(), ...process.env }) {
  const read = (name: 'MATTERMOST_URL' | 'MATTERMOST_BOT_TOKEN' | 'MATTERMOST_BOT_URL'): string | undefined => {
    const parsed = ConfigSchema.shape[name].safeParse(env[name]);
    if (!parsed.success) throw new Error(`${name} ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
    return parsed.data;
  };
  return { MATTERMOST_URL: read('MATTERMOST_URL'), MATTERMOST_BOT_TOKEN: read('MATTERMOST_BOT_TOKEN'), MATTERMOST_BOT_URL: read('MATTERMOST_BOT_URL') };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { print: { type: 'boolean' }, create: { type: 'boolean' }, team: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || (!values.print && !values.create)) return void process.stdout.write(USAGE);
  const config = toolConfig();
  if (!config.MATTERMOST_BOT_URL) throw new Error('set MATTERMOST_BOT_URL (environment or .env): the address Mattermost reaches this bot at');
  if (values.print) {
    const commands = buildCommands(commandSpecs(), config.MATTERMOST_BOT_URL, values.team ?? '');
    process.stdout.write(`${printable(commands)}\n\nEach command shows a token once created: list the three, comma-separated, in MATTERMOST_COMMAND_TOKENS.\n`);
    return;
  }
  if (!values.team) throw new Error('--create needs --team <team id>');
  if (!config.MATTERMOST_URL || !config.MATTERMOST_BOT_TOKEN) throw new Error('--create needs MATTERMOST_URL and MATTERMOST_BOT_TOKEN (environment or .env)');
  const client = new MattermostClient(config.MATTERMOST_URL, config.MATTERMOST_BOT_TOKEN);
  try {
    const created = [];
    for (const body of buildCommands(commandSpecs(), config.MATTERMOST_BOT_URL, values.team)) created.push(await client.createCommand(body));
    process.stdout.write(`Created ${created.map((c) => `/${c.trigger}`).join(', ')}.\nMATTERMOST_COMMAND_TOKENS=${created.map((c) => c.token).join(',')}\n`);
  } finally {
    await client.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    const usage = (err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS') ? ' (npm run mattermost:commands -- --help)' : '';
    process.stderr.write(`mattermost:commands failed: ${err instanceof Error ? err.message : String(err)}${usage}\n`);
    process.exit(1);
  });
}
