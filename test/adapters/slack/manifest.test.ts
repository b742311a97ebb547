import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildManifest, manifestYaml } from '../../../adapters/slack/manifest.js';
import { commandSpecs } from '../../../src/core/specs/index.js';

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
    expect(manifest.features.slash_commands.map(({ command, description, usage_hint, should_escape }) => ({ command, description, usage_hint, should_escape }))).toEqual(
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
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'im:write']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('in Socket Mode needs no request URL', () => {
    const socket = buildManifest(commandSpecs, { socketMode: true });
    expect(JSON.stringify(socket)).not.toContain('https://');
    expect(socket.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true } });
  });
});
