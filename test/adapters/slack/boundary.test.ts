import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forbiddenPaths, importsOf, sources } from '../../helpers/import-graph.js';

/**
 * The core's contract an adapter may use: the Core itself, invocations, outcomes, replies and their marks, wording,
 * spec types; and the features' command list (src/features/index.ts), for the manifest, which runs without a core.
 */
const CORE_CONTRACT = /^src\/(?:core\/(?:core|invocation|outcome|reply|inline|i18n|middleware|spec)|features\/index)\.ts$/;

describe('the Slack boundary', () => {
  // The adapter speaks to the core through its contract and to Slack through Bolt (and undici, for
  // response_urls): never to a backend or the store, never to another chat platform.
  it.each(sources('adapters/slack'))('%s imports only the core contract, shared plumbing, Bolt and undici', (file) => {
    const allowed = (i: string) =>
      /^(?:node:|zod$|@slack\/bolt$|undici$|adapters\/slack\/)/.test(i) || CORE_CONTRACT.test(i) || /^src\/(?:config|log|metrics|result|crypto\/hmac-seal|http\/server)\.ts$/.test(i);
    expect(importsOf(file).filter((i) => !allowed(i))).toEqual([]);
  });

  it.each(sources('adapters/slack'))('%s reaches no store, backend or other platform, however indirectly', (file) => {
    const bad = (i: string) => /^(?:keyv$|@keyv\/|src\/store\/(?:keyv-store|index)|src\/backends\/(?:local|twcc)\/|discord\.js$|@discordjs\/|adapters\/(?:discord|shell)\/)/.test(i);
    expect(forbiddenPaths([file], bad)).toEqual([]);
  });
});

describe('every adapter', () => {
  it.each([...sources('adapters/slack'), ...sources('adapters/discord'), ...sources('adapters/shell')])('%s never reaches into the core’s internals', (file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/\bservices\.|\.services\b/);
  });
});
