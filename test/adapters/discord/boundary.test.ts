import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve('.');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a file imports: static, re-exported, dynamic or required. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return found.map((spec) => (spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : spec));
}

const PLATFORM_SDK = /^(discord\.js|@discordjs\/|discord-api-types|@slack\/|ws$|undici)/;

test('src/core imports no adapter and no platform SDK', () => {
  const offending = sources('src/core').flatMap((file) =>
    importsOf(file)
      .filter((spec) => PLATFORM_SDK.test(spec) || spec.startsWith('adapters/') || spec.startsWith('..'))
      .map((spec) => `${relative(ROOT, file)} → ${spec}`),
  );
  expect(offending).toEqual([]);
});

test('the Discord adapter reaches the bot only through the core (never a backend or the store), config, log, metrics', () => {
  const allowed = /^(discord\.js|node:.+|adapters\/discord\/.+|src\/(core\/.+|config\.js|log\.js|metrics\.js|result\.js))$/;
  const offending = sources('adapters/discord').flatMap((file) =>
    importsOf(file)
      .filter((spec) => !allowed.test(spec))
      .map((spec) => `${relative(ROOT, file)} → ${spec}`),
  );
  expect(offending).toEqual([]);
});
