/**
 * `npm run discord:register -- [--guild ID]`: puts `/apikey`, `/quota` and `/tenant` on the
 * application, built from the command specs. With `--guild` they are guild commands (at once, for
 * testing); without, global commands. A PUT replaces the whole set, so removed commands go too.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { loadConfig } from '../../src/config.js';
import { buildCommands } from './commands.js';
import { summarizeDiscordError } from './safe-error.js';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiUrl: string;
  guildId?: string;
}

export async function registerCommands({ token, applicationId, apiUrl, guildId }: RegisterOptions): Promise<RESTPutAPIApplicationCommandsResult> {
  const rest = new REST({ api: apiUrl.replace(/\/+$/, '') }).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  return (await rest.put(route, { body: buildCommands() })) as RESTPutAPIApplicationCommandsResult;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { guild: { type: 'string' } } });
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw new Error('set DISCORD_TOKEN and DISCORD_APPLICATION_ID (environment or .env)');
  }
  if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) throw new Error(`--guild takes a guild id (digits), not ${values.guild}`);
  const registered = await registerCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    apiUrl: config.DISCORD_API_URL,
    ...(values.guild ? { guildId: values.guild } : {}),
  });
  const where = values.guild ? `guild ${values.guild}` : 'every guild (global commands can take up to an hour to appear)';
  process.stdout.write(`Registered ${registered.map((c) => `/${c.name}`).join(', ')} for ${where}.\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`discord:register failed: ${summarizeDiscordError(err).message}\n`);
    process.exit(1);
  });
}
