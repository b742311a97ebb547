import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { buildCommands } from '../../../adapters/discord/commands.js';
import { registerCommands } from '../../../adapters/discord/register.js';
import { commandSpecs as allCommandSpecs } from '../../../src/features/index.js';

const commandSpecs = allCommandSpecs();
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord.js';
import { APP_ID, GUILD_ID, TOKEN } from './harness.js';

const STRING = 3;
const INTEGER = 4;
const USER = 6;
const BOOLEAN = 5;
const SUBCOMMAND = 1;

interface OptionJson {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string }[];
  options?: OptionJson[];
}

const commands = buildCommands(commandSpecs) as unknown as { type: number; name: string; description: string; options: OptionJson[] }[];
const sub = (command: string, name: string) => commands.find((c) => c.name === command)!.options.find((o) => o.name === name)!;
const shape = (o: OptionJson) => [o.name, o.type, o.required ?? false, o.choices?.map((c) => c.value) ?? null];

describe('the registration JSON follows the command specs', () => {
  test('every command and subcommand of the specs, and nothing else', () => {
    expect(commands.map((c) => [c.name, c.type, c.description])).toEqual(commandSpecs.map((s) => [s.name, 1, s.description]));
    for (const spec of commandSpecs) {
      const json = commands.find((c) => c.name === spec.name)!;
      expect(json.options.map((o) => [o.type, o.name, o.description])).toEqual(spec.subcommands.map((s) => [SUBCOMMAND, s.name, s.summary]));
    }
  });

  test('every argument becomes options of the right type and name (a quota: cpu, gpu, memory)', () => {
    for (const spec of commandSpecs) {
      for (const s of spec.subcommands) {
        const names = (sub(spec.name, s.name).options ?? []).map((o) => o.name).sort();
        const expected = s.args.flatMap((a) => (a.kind === 'quota' ? ['cpu', 'gpu', 'memory'] : a.kind === 'auditExport' ? [a.name, 'since', 'format'] : [a.name])).sort();
        expect(names, `/${spec.name} ${s.name}`).toEqual(expected);
        for (const arg of s.args) {
          if (arg.kind === 'quota') continue;
          const option = sub(spec.name, s.name).options!.find((o) => o.name === arg.name)!;
          const type = arg.kind === 'mention' ? USER : arg.kind === 'days' || arg.kind === 'count' ? INTEGER : arg.kind === 'auditExport' ? BOOLEAN : STRING;
          expect([option.type, option.required], `/${spec.name} ${s.name} ${arg.name}`).toEqual([type, !arg.optional]);
        }
      }
    }
  });

  test('the options DESIGN.md names for Discord', () => {
    const table: Record<string, unknown[][]> = {
      'apikey list': [['member', USER, false, null]],
      'apikey extend': [['key-id', STRING, true, null], ['days', INTEGER, true, null]],
      'apikey delete': [['key-id', STRING, true, null]],
      'apikey reminders': [['state', STRING, false, ['on', 'off']]],
      'quota show': [['service', STRING, false, ['vcs', 'ccs']], ['member', USER, false, null]],
      'quota set': [
        ['member', USER, true, null],
        ['service', STRING, true, ['vcs', 'ccs']],
        ['cpu', INTEGER, false, null],
        ['gpu', INTEGER, false, null],
        ['memory', STRING, false, null],
        ['reason', STRING, false, null],
      ],
      'quota request': [
        ['service', STRING, true, ['vcs', 'ccs']],
        ['cpu', INTEGER, false, null],
        ['gpu', INTEGER, false, null],
        ['memory', STRING, false, null],
        ['reason', STRING, false, null],
      ],
      'tenant link': [['user', USER, true, null], ['member', STRING, true, null], ['role', STRING, false, ['admin', 'user']]],
    };
    for (const [path, options] of Object.entries(table)) {
      const [command, name] = path.split(' ') as [string, string];
      expect((sub(command, name).options ?? []).map(shape), path).toEqual(options);
    }
  });

  test('within Discord’s limits: names, descriptions, counts, required options first', () => {
    const check = (o: { name: string; description: string; options?: OptionJson[] }, where: string) => {
      expect(o.name, where).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(o.description.length, `${where} description`).toBeGreaterThan(0);
      expect(o.description.length, `${where} description`).toBeLessThanOrEqual(100);
      const options = o.options ?? [];
      expect(options.length, where).toBeLessThanOrEqual(25);
      const firstOptional = options.findIndex((x) => x.type !== SUBCOMMAND && !x.required);
      if (firstOptional >= 0) expect(options.slice(firstOptional).every((x) => !x.required), `${where}: required after optional`).toBe(true);
      for (const x of options) check(x, `${where} ${x.name}`);
    };
    for (const c of commands) check(c, `/${c.name}`);
  });
});

describe('npm run discord:register', () => {
  let fake: FakeDiscord | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    fake = dir = undefined;
  });

  test('PUTs the commands globally, or to one guild with --guild', async () => {
    fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });

    const global = await registerCommands({ token: TOKEN, applicationId: APP_ID, apiUrl: fake.apiUrl });
    expect(global.map((c) => c.name)).toEqual(['apikey', 'quota', 'tenant']);
    const guild = await registerCommands({ token: TOKEN, applicationId: APP_ID, apiUrl: `${fake.apiUrl}/`, guildId: GUILD_ID });
    expect(guild).toHaveLength(3);

    expect(fake.calls.map((c) => [c.method, c.path, c.auth])).toEqual([
      ['PUT', `/applications/${APP_ID}/commands`, true],
      ['PUT', `/applications/${APP_ID}/guilds/${GUILD_ID}/commands`, true],
    ]);
    expect(fake.calls[0]!.body).toEqual(buildCommands(commandSpecs));
    expect(fake.calls[1]!.body).toEqual(buildCommands(commandSpecs));
  });

  test('the CLI reads the environment and says what it registered', async () => {
    fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
    dir = mkdtempSync(join(tmpdir(), 'discord-register-'));
    const script = resolve('adapters/discord/register.ts');
    const tsx = resolve('node_modules/.bin/tsx');
    // Run from an empty folder so that no .env of the developer's is read.
    const env = { PATH: process.env.PATH ?? '', DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl };
    const { stdout } = await promisify(execFile)(tsx, [script, '--guild', GUILD_ID], { cwd: dir, env });

    expect(stdout).toBe(`Registered /apikey, /quota, /tenant for guild ${GUILD_ID}.\n`);
    expect(fake.registered.get(GUILD_ID)).toHaveLength(3);

    const failed = await promisify(execFile)(tsx, [script], { cwd: dir, env: { PATH: env.PATH } }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: 'discord:register failed: set DISCORD_TOKEN and DISCORD_APPLICATION_ID (environment or .env)\n' });
  });
});

describe('npm run discord:register: help, print and bad arguments, with no token', () => {
  const npmRun = (...args: string[]) =>
    promisify(execFile)('npm', ['run', '--silent', 'discord:register', '--', ...args], { env: { PATH: process.env.PATH ?? '' } }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  test('--help explains the flags and where a server id comes from, and exits 0', async () => {
    const { stdout, stderr } = await npmRun('--help');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run discord:register -- \[--guild <server id>\] \[--print\] \[--out <file>\] \[--help\]$/m);
    expect(stdout).toContain('a Discord\n                snowflake of 17 to 20 digits');
    expect(stdout).toMatch(/--print +print the registration JSON and exit; no token needed\./);
  });

  test('--print writes the registration JSON the specs build', async () => {
    const { stdout, stderr } = await npmRun('--print');
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(buildCommands(commandSpecs))));
  });

  test('--guild 5 says that a guild id is a snowflake of 17 to 20 digits', async () => {
    const failed = await npmRun('--guild', '5');
    expect(failed).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'discord:register failed: --guild takes a server (guild) id, a Discord snowflake of 17 to 20 digits, not "5". ' +
        'Turn on Developer Mode (User Settings → Advanced), then right-click the server → Copy Server ID.\n',
    });
  });

  test('an unknown flag or a --guild without its id points at --help', async () => {
    expect(await npmRun('--global')).toMatchObject({ code: 1, stderr: "discord:register failed: Unknown option '--global' (npm run discord:register -- --help)\n" });
    expect(await npmRun('--guild')).toMatchObject({ code: 1, stderr: "discord:register failed: Option '--guild <value>' argument missing (npm run discord:register -- --help)\n" });
  });
});
