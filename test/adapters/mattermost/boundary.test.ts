import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { forbiddenPaths, importsOf, sources } from '../../helpers/import-graph.js';

/**
 * The core's contract an adapter may use (as the Slack adapter does): the Core itself, invocations, outcomes,
 * replies and their marks, wording, spec types; and the features' command list, for the slash command tool.
 */
const CORE_CONTRACT = /^src\/(?:core\/(?:core|invocation|outcome|reply|inline|i18n|middleware|spec)|features\/index)\.ts$/;

describe('the Mattermost boundary', () => {
  // The adapter speaks to the core through its contract and to Mattermost through undici: never to a
  // backend or the store, never to another chat platform, and through no Mattermost SDK.
  it.each(sources('adapters/mattermost'))('%s imports only the core contract, shared plumbing, zod and undici', (file) => {
    const allowed = (i: string) =>
      /^(?:node:|zod$|undici$|adapters\/mattermost\/)/.test(i) ||
      CORE_CONTRACT.test(i) ||
      /^src\/(?:config|log|metrics|result|errors|bounded-map|crypto\/hmac-seal|http\/server)\.ts$/.test(i);
    expect(importsOf(file).filter((i) => !allowed(i))).toEqual([]);
  });

  it.each(sources('adapters/mattermost'))('%s reaches no store, backend or other platform, however indirectly', (file) => {
    const bad = (i: string) =>
      /^(?:keyv$|@keyv\/|src\/store\/(?:keyv-store|index)|src\/backends\/(?:local|twcc)\/|discord\.js$|@discordjs\/|@slack\/|@mattermost\/|adapters\/(?:slack|discord|shell)\/)/.test(i);
    expect(forbiddenPaths([file], bad)).toEqual([]);
  });

  it.each(sources('adapters/mattermost'))('%s never reaches into the core’s internals', (file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/\bservices\.|\.services\b/);
  });

  it('the core names Mattermost only in its platform list', () => {
    const mentions = sources('src/core').filter((f) => /mattermost/i.test(readFileSync(f, 'utf8')));
    expect(mentions).toEqual(['src/core/invocation.ts']);
    expect(readFileSync('src/core/invocation.ts', 'utf8').match(/mattermost/gi)).toEqual(['mattermost']);
  });
});
