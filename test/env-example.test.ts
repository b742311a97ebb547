import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.js';

const example = readFileSync('.env.example', 'utf8');
/** `# NAME=value` lines: each variable, commented out, with its default or an example. */
const entries = [...example.matchAll(/^# ([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => ({ name: m[1]!, value: m[2]! }));

describe('.env.example', () => {
  it('names every variable of src/config.ts once, and nothing else', () => {
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
  });

  it('shows each default as config.ts has it', () => {
    const defaults = loadConfig({});
    for (const { name, value } of entries) {
      const fallback = defaults[name as keyof typeof defaults];
      if (typeof fallback === 'string' || typeof fallback === 'number') expect(value, name).toBe(String(fallback));
    }
  });

  it('copied to .env as it is, starts on the defaults; with the default lines uncommented, too', () => {
    const defaults = loadConfig({});
    expect(loadConfig(parseEnv(example) as Record<string, string>)).toEqual(defaults);
    const hasDefault = (name: string) => ['string', 'number'].includes(typeof defaults[name as keyof typeof defaults]);
    const uncommented = example.replace(/^# ([A-Z][A-Z0-9_]+)=/gm, (line, name: string) => (hasDefault(name) ? `${name}=` : line));
    expect(uncommented).toMatch(/^PORT=3000$/m);
    expect(loadConfig(parseEnv(uncommented) as Record<string, string>)).toEqual(defaults);
  });
});
