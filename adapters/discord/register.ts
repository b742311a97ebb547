/**
 * `npm run discord:register -- [--guild ID] [--print] [--out FILE] [--help]`: puts `/apikey`, `/quota`
 * and `/tenant` on the application, built from the command specs. With `--guild` they are guild
 * commands (at once, for testing); without, global commands. A PUT replaces the whole set, so removed
 * commands go too. `--print` shows the JSON instead, and `--out FILE` writes it to FILE, with no
 * token needed.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { loadConfig, projectCodes, servicesOf } from '../../src/config.js';
import { commandSpecs } from '../../src/features/index.js';
import { buildCommands } from './commands.js';
import { summarizeDiscordError } from './safe-error.js';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiUrl: string;
  guildId?: string;
  /** The deployment's services: `ccs` is offered only where it is enabled. */
  services?: readonly ('vcs' | 'ccs')[];
  /** The deployment's projects: with several, every subcommand takes a `project` option, and `/tenant project` is there. */
  projects?: readonly string[];
}

export async function registerCommands({ token, applicationId, apiUrl, guildId, services, projects = ['LOCAL'] }: RegisterOptions): Promise<RESTPutAPIApplicationCommandsResult> {
  const rest = new REST({ api: apiUrl.replace(/\/+$/, '') }).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  return (await rest.put(route, { body: buildCommands(commandSpecs({}, projects), services ?? ['vcs', 'ccs']) })) as RESTPutAPIApplicationCommandsResult;
}

const USAGE = `Usage: npm run discord:register -- [--guild <server id>] [--print] [--out <file>] [--help]

Registers /apikey, /quota and /tenant (built from the command specs) with the Discord application
of DISCORD_TOKEN and DISCORD_APPLICATION_ID (environment or .env).

  --guild <id>  register on one server (guild): the commands appear at once. The id is a Discord
                snowflake of 17 to 20 digits: turn on Developer Mode (User Settings → Advanced),
                then right-click the server → Copy Server ID.
                Without --guild the commands are global and can take up to an hour to appear.
  --print       print the registration JSON and exit; no token needed.
  --out <file>  write the registration JSON to <file> and exit; no token needed. (npm prints its
                own banner on stdout, so \`npm run ... -- --print > file\` is not JSON; use --out,
                or npm run -s.)
  --help        this text.
`;

/** A Discord id: a snowflake, 17 to 20 decimal digits. */
const SNOWFLAKE = /^\d{17,20}$/;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { guild: { type: 'string' }, print: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (values.print || values.out !== undefined) {
    const config = loadConfig();
    const commands = buildCommands(commandSpecs({}, projectCodes(config)), servicesOf(config));
    const json = `${JSON.stringify(commands, null, 2)}\n`;
    if (values.out === undefined) return void process.stdout.write(json);
    writeFileSync(values.out, json);
    return void process.stdout.write(`Wrote ${commands.map((c) => `/${c.name}`).join(', ')} to ${values.out}.\n`);
  }
  if (values.guild !== undefined && !SNOWFLAKE.test(values.guild)) {
    throw new Error(
      `--guild takes a server (guild) id, a Discord snowflake of 17 to 20 digits, not ${JSON.stringify(values.guild)}. ` +
        'Turn on Developer Mode (User Settings → Advanced), then right-click the server → Copy Server ID.',
    );
  }
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw new Error('set DISCORD_TOKEN and DISCORD_APPLICATION_ID (environment or .env)');
  }
  const registered = await registerCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    apiUrl: config.DISCORD_API_URL,
    services: servicesOf(config),
    projects: projectCodes(config),
    ...(values.guild ? { guildId: values.guild } : {}),
  });
  const where = values.guild ? `guild ${values.guild}` : 'every guild (global commands can take up to an hour to appear)';
  process.stdout.write(`Registered ${registered.map((c) => `/${c.name}`).join(', ')} for ${where}.\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    // parseArgs' own errors (an unknown option, a missing value) carry a code and no secret.
    const usage = (err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS') ? ' (npm run discord:register -- --help)' : '';
    process.stderr.write(`discord:register failed: ${summarizeDiscordError(err).message}${usage}\n`);
    process.exit(1);
  });
}
