import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.js';

const readme = readFileSync('README.md', 'utf8');
const configSection = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Layout'));

describe('README', () => {
  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });

  it('documents exactly the variables src/config.ts reads', () => {
    const documented = new Set([...configSection.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((v) => v[1]!)));
    expect([...documented].sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
  });

  it('states the defaults config.ts uses', () => {
    const defaults = loadConfig({});
    for (const [name, value] of Object.entries(defaults)) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const row = configSection.split('\n').find((l) => (l.split('|')[1] ?? '').includes(`\`${name}\``));
      expect(row, name).toBeDefined();
      expect(row!, name).toContain(`\`${value}\``);
    }
  });
});
