import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The core never imports an adapter, a platform SDK, a store driver or an HTTP client. */
describe('src/core boundary', () => {
  const forbidden = /from ['"](?:.*\/adapters\/|@slack\/|discord\.js|@discordjs\/|undici|keyv|@keyv\/|\.\.\/backends\/(?:local|twcc)|\.\.\/\.\.\/backends\/(?:local|twcc))/;
  it.each(sources('src/core'))('%s', (file) => {
    const imports = readFileSync(file, 'utf8').split('\n').filter((l) => /^\s*(import|export) .* from /.test(l));
    expect(imports.filter((l) => forbidden.test(l))).toEqual([]);
  });
});
