import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildManifest, manifestYaml, parseManifestArgs } from '../../../adapters/slack/manifest.js';
import { commandSpecs as allCommandSpecs } from '../../../src/features/index.js';

const commandSpecs = allCommandSpecs();

type Node = string | number | boolean | Node[] | { [key: string]: Node };

/**
 * Reads the YAML subset manifest.yml is written in (block mappings and sequences, JSON-quoted
 * strings, numbers, booleans), without a YAML dependency; anything else fails the test.
 */
function readYaml(source: string): Node {
  const lines = source.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  let i = 0;
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const scalar = (raw: string): Node => {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    if (raw === '[]') return [];
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    if (raw.startsWith('"')) return JSON.parse(raw) as string;
    throw new Error(`unexpected scalar ${raw}`);
  };
  function block(indent: string): Node {
    if (lines[i]!.startsWith(`${indent}- `)) {
      const out: Node[] = [];
      while (i < lines.length && lines[i]!.startsWith(`${indent}- `)) {
        const rest = lines[i]!.slice(indent.length + 2);
        if (/^[\w-]+:( |$)/.test(rest)) {
          lines[i] = `${indent}  ${rest}`;
          out.push(block(`${indent}  `));
        } else {
          out.push(scalar(rest));
          i++;
        }
      }
      return out;
    }
    const out: { [key: string]: Node } = {};
    while (i < lines.length && indentOf(lines[i]!) === indent.length && !lines[i]!.startsWith(`${indent}- `)) {
      const m = /^([\w-]+):(?: (.*))?$/.exec(lines[i]!.trimStart());
      if (!m) throw new Error(`unexpected line ${lines[i]}`);
      i++;
      out[m[1]!] = m[2] !== undefined ? scalar(m[2]) : block(/^\s*/.exec(lines[i]!)![0]);
    }
    return out;
  }
  return block('');
}

const manifest = readYaml(readFileSync('manifest.yml', 'utf8')) as {
  features: { slash_commands: { command: string; description: string; usage_hint: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
};

describe('manifest.yml', () => {
  it('is exactly what adapters/slack/manifest.ts generates from the command specs (run it with --write to refresh)', () => {
    expect(readFileSync('manifest.yml', 'utf8')).toBe(manifestYaml(buildManifest(commandSpecs)));
    expect(manifest).toEqual(buildManifest(commandSpecs));
  });

  it('declares every command of the specs, with its description and usage hint, escaped', () => {
    const commands = manifest.features.slash_commands.map(({ command, description, usage_hint, should_escape }) => ({
      command,
      description,
      usage_hint,
      should_escape,
    }));
    expect(commands).toEqual(
      commandSpecs.map((s) => ({ command: `/${s.name}`, description: s.description, usage_hint: s.usageHint, should_escape: true })),
    );
  });

  it('stays within Slack’s limits for commands', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.command.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });

  it('asks for the scopes the adapter uses, with interactivity on', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'im:write', 'users:read', 'files:write']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('in Socket Mode needs no request URL', () => {
    const socket = buildManifest(commandSpecs, { socketMode: true });
    expect(JSON.stringify(socket)).not.toContain('https://');
    expect(socket.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true } });
  });
});

describe('the manifest tool’s command line', () => {
  const tool = (...args: string[]) =>
    promisify(execFile)('node_modules/.bin/tsx', ['adapters/slack/manifest.ts', ...args]).catch((e: { code: number; stdout: string; stderr: string }) => e);

  it('--url https://host points commands and interactivity at https://host/slack/events', async () => {
    const { stdout, stderr } = await tool('--url', 'https://bot.example.org');
    expect(stderr).toBe('');
    const printed = readYaml(stdout) as typeof manifest & { settings: { interactivity: { request_url: string } } };
    expect(new Set(printed.features.slash_commands.map((c) => (c as unknown as { url: string }).url))).toEqual(new Set(['https://bot.example.org/slack/events']));
    expect(printed.settings.interactivity.request_url).toBe('https://bot.example.org/slack/events');
    expect(stdout).toContain('# HTTP: Slack sends slash commands and interactions to https://bot.example.org/slack/events.');
    expect(stdout).not.toContain('chatops.example.com');
  });

  it('keeps a path given with --url, and refuses anything but a plain https URL', () => {
    expect(parseManifestArgs(['--url', 'https://proxy.example.org:8443/twcc/slack/events'])).toEqual({ kind: 'print', options: { requestUrl: 'https://proxy.example.org:8443/twcc/slack/events' } });
    expect(parseManifestArgs(['--url', 'http://bot.example.org'])).toEqual({ kind: 'error', message: '--url must be https (Slack only calls HTTPS endpoints), not http' });
    expect(parseManifestArgs(['--url', 'bot.example.org'])).toEqual({ kind: 'error', message: '--url takes an https URL such as https://chatops.example.com, not "bot.example.org"' });
    expect(parseManifestArgs(['--url', 'https://bot.example.org/?token=1'])).toEqual({ kind: 'error', message: '--url takes a plain https URL: no query, fragment or credentials' });
    expect(parseManifestArgs(['--url', 'https://a.example.org', '--socket-mode'])).toEqual({ kind: 'error', message: 'Socket Mode needs no URL: use --socket-mode or --url, not both' });
  });

  it('--socket-mode prints no request URL and no HTTP advice', async () => {
    const { stdout } = await tool('--socket-mode');
    expect(stdout).not.toContain('https://');
    expect(stdout).not.toMatch(/^# HTTP/m);
    expect(stdout).toContain('# Socket Mode: events come over a WebSocket opened with SLACK_APP_TOKEN; no public URL is needed.');
    expect(readYaml(stdout)).toEqual(buildManifest(commandSpecs, { socketMode: true }));
  });

  it('answers a missing --url value, an unknown flag and --write --socket-mode with a message and exit code 2, no stack trace', async () => {
    expect(await tool('--url')).toMatchObject({ code: 2, stdout: '', stderr: "slack manifest: Option '--url <value>' argument missing (--help shows the flags)\n" });
    expect(await tool('--socketmode')).toMatchObject({ code: 2, stdout: '', stderr: "slack manifest: Unknown option '--socketmode' (--help shows the flags)\n" });
    expect(await tool('--write', '--socket-mode')).toMatchObject({
      code: 2,
      stderr: 'slack manifest: --write keeps manifest.yml generic: leave out --socket-mode and --url, and paste the printed manifest into Slack instead (--help shows the flags)\n',
    });
  });

  it('--help lists the flags and exits 0', async () => {
    const { stdout, stderr } = await tool('--help');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: node dist\/adapters\/slack\/manifest\.js \[--url https:\/\/host \| --socket-mode \| --write \| --help\]$/m);
    for (const flag of ['--url https://host', '--socket-mode', '--write', '--help']) expect(stdout).toMatch(new RegExp(`^  ${flag.replace(/[/.]/g, '\\$&')} +\\S`, 'm'));
  });
});
