import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.js';
import { metrics } from '../src/metrics.js';

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

  it('names every metric of src/metrics.ts with its labels', () => {
    const section = readme.slice(readme.indexOf('## Metrics and health'), readme.indexOf('## Backing up'));
    const ours = metrics.getMetricsAsArray().filter((m) => m.name.startsWith('chatops_'));
    expect(ours.length).toBeGreaterThan(0);
    for (const metric of ours) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${metric.name}\` |`));
      expect(row, metric.name).toBeDefined();
      const labels = (metric as unknown as { labelNames: string[] }).labelNames;
      expect(labels.length, metric.name).toBeGreaterThan(0);
      for (const label of labels) expect(row!.split('|')[3], `${metric.name} ${label}`).toContain(`\`${label}\``);
    }
  });

  it('has the sections a user looks for', () => {
    for (const heading of ['## Running the tests', '## Logs', '## Metrics and health', '## Backing up and restoring the store', '## Upgrading']) {
      expect(readme).toContain(`\n${heading}\n`);
    }
    expect(readme).toContain('LOG_FORMAT=pretty');
    expect(readme).toContain('`GET /readyz` | readiness: the store answers and each enabled platform is connected; 503 otherwise');
  });
});
