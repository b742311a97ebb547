import { describe, expect, it } from 'vitest';
import { forbiddenPaths, importsOf, sources } from '../helpers/import-graph.js';

/** Store drivers, platform SDKs, HTTP clients, adapters and concrete backends: none is the core's business. */
const NOT_FOR_THE_CORE = /^(?:keyv$|@keyv\/|@slack\/|discord\.js$|@discordjs\/|discord-api-types|undici$|better-sqlite3$|adapters\/|src\/backends\/(?:local|twcc)\/|src\/store\/keyv-store)/;

describe('src/core boundary (the whole import graph, type imports included)', () => {
  it.each(sources('src/core'))('%s reaches no store driver, platform SDK, HTTP client or adapter', (file) => {
    expect(forbiddenPaths([file], (spec) => NOT_FOR_THE_CORE.test(spec))).toEqual([]);
  });

  it.each(sources('src/core'))('%s imports no feature: the kernel is given them (src/features/)', (file) => {
    expect(forbiddenPaths([file], (spec) => spec.startsWith('src/features/'))).toEqual([]);
  });

  it('the graph walk sees type-only and multi-line imports (it would catch them)', () => {
    // src/core/core.ts imports the Backend port as a type, over one line, and the middleware over several.
    expect(importsOf('src/core/core.ts')).toEqual(expect.arrayContaining(['src/backends/port.ts', 'src/core/middleware.ts']));
    expect(forbiddenPaths(['src/main.ts'], (spec) => spec === 'keyv')).not.toEqual([]);
  });
});

describe('features', () => {
  it.each(sources('src/features'))('%s reaches no store driver, platform SDK, HTTP client or adapter', (file) => {
    expect(forbiddenPaths([file], (spec) => NOT_FOR_THE_CORE.test(spec))).toEqual([]);
  });
});
