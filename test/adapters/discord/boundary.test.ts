import { expect, test } from 'vitest';
import { forbiddenPaths, importsOf, sources } from '../../helpers/import-graph.js';

test('the Discord adapter reaches the bot only through the core (never a backend or the store), config, log, metrics; zod reads HTTP payloads', () => {
  // src/features/index.ts: the command list, for `discord:register`, which runs without a core.
  const allowed = /^(discord\.js|zod|node:.+|adapters\/discord\/.+|src\/(core\/.+|features\/index\.ts|config\.ts|log\.ts|metrics\.ts|result\.ts|http\/server\.ts))$/;
  const offending = sources('adapters/discord').flatMap((file) =>
    importsOf(file)
      .filter((spec) => !allowed.test(spec))
      .map((spec) => `${file} → ${spec}`),
  );
  expect(offending).toEqual([]);
});

test('no Discord adapter file reaches the store, a backend or Slack, however indirectly', () => {
  const bad = (i: string) => /^(?:keyv$|@keyv\/|src\/store\/(?:keyv-store|index)|src\/backends\/(?:local|twcc)\/|@slack\/|adapters\/(?:slack|shell)\/)/.test(i);
  expect(forbiddenPaths(sources('adapters/discord'), bad)).toEqual([]);
});
