import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => (m[1] ?? m[2])!);

describe('the Slack boundary', () => {
  it.each(sources('src/core'))('%s imports neither an adapter nor a chat SDK', (file) => {
    expect(importsOf(file).filter((i) => /\/adapters\/|^@slack\/|^discord\.js$|^@discordjs\//.test(i))).toEqual([]);
  });

  // The adapter speaks to the core through its contract (core, invocation, outcome, reply, specs) and to
  // Slack through Bolt: never to a backend or the store directly, never to another chat platform.
  it.each(sources('adapters/slack'))('%s imports only the core contract, shared plumbing and Bolt', (file) => {
    const allowed = /^(?:node:|zod$|@slack\/bolt$|\.\/|\.\.\/\.\.\/src\/(?:core\/(?:core|invocation|outcome|reply|i18n|specs\/index)|config|log|metrics|result)\.js$)/;
    expect(importsOf(file).filter((i) => !allowed.test(i))).toEqual([]);
  });
});
