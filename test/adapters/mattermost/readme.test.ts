import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config.js';

const readme = readFileSync('README.md', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has "## ${heading}"`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README: Connect Mattermost', () => {
  const text = section('Connect Mattermost');

  it('walks through bot account → commands → tokens → URL, naming every MATTERMOST_ variable and nothing config.ts does not read', () => {
    const steps = [...text.matchAll(/^\d+\. \*\*([^*]+?)[.:]?\*\*/gm)].map((m) => m[1]!);
    const at = ['Bot account', 'Commands', 'Tokens', 'URL'].map((w) => steps.findIndex((s) => s.startsWith(w)));
    expect(at.every((i) => i >= 0), steps.join(' | ')).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const variables = Object.keys(ConfigSchema.shape);
    for (const name of variables.filter((v) => v.startsWith('MATTERMOST_'))) expect(text, name).toContain(`\`${name}\``);
    const named = [...text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+|ADMINS)(?:=[^`]*)?`/g)].map((m) => m[1]!);
    expect(named.filter((n) => !variables.includes(n) && n !== 'OutgoingIntegrationRequestsTimeout')).toEqual([]);
  });

  it('shows only npm scripts that exist, and lists both endpoints', () => {
    const scripts = [...text.matchAll(/npm run ([a-z][\w:]*)/g)].map((m) => m[1]!);
    expect(scripts).toContain('mattermost:commands');
    for (const script of scripts) expect(pkg.scripts, script).toHaveProperty([script]);
    const endpoints = section('Endpoints');
    for (const path of ['POST /mattermost/commands', 'POST /mattermost/actions']) expect(endpoints).toMatch(new RegExp(`^\\| \`${path}\` \\| .+ \\|$`, 'm'));
  });
});
