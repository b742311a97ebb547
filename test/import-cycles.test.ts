import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script (npm run lint runs it with node), without type declarations.
import { importCycles } from '../scripts/import-cycles.mjs';

const findCycles = importCycles as (dirs: string[]) => string[][];
const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run lint: no import cycle', () => {
  it('finds none in src/ and adapters/, type-only imports included', () => {
    expect(findCycles(['src', 'adapters'])).toEqual([]);
  });

  it('finds a cycle that goes through a type-only import (it would catch one)', () => {
    mkdirSync(join(dir, 'core'));
    writeFileSync(join(dir, 'core', 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
    writeFileSync(join(dir, 'core', 'b.ts'), "import type { C } from '../c.js';\nexport const b = (c?: C) => c;\n");
    writeFileSync(join(dir, 'c.ts'), "import { a } from './core/a.js';\nexport type C = ReturnType<typeof a>;\n");
    writeFileSync(join(dir, 'd.ts'), "import { a } from './core/a.js';\nexport const d = a;\n");
    const rel = (f: string) => relative('.', join(dir, f));
    expect(findCycles([dir])).toEqual([[rel('c.ts'), rel('core/a.ts'), rel('core/b.ts')].sort()]);
  });
});
