import { describe, expect, it } from 'vitest';
import { buildManifest, manifestYaml, parseManifestArgs } from '../../../adapters/slack/manifest.js';
import { commandSpecs } from '../../../src/features/index.js';
import { INSTALL_BOT_SCOPES } from '../../../src/installations/index.js';

describe('the Slack manifest for several workspaces (--oauth)', () => {
  it('adds the OAuth redirect, org-wide deployment and the uninstall and revocation events to the request URL', () => {
    const command = parseManifestArgs(['--url', 'https://bot.example.org', '--oauth']);
    expect(command).toEqual({ kind: 'print', options: { requestUrl: 'https://bot.example.org/slack/events', oauth: true } });
    if (command.kind !== 'print') throw new Error('not printed');
    const manifest = buildManifest(commandSpecs(), command.options) as {
      oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
      settings: { event_subscriptions: { request_url: string; bot_events: string[] }; org_deploy_enabled: boolean };
    };
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://bot.example.org/slack/oauth_redirect']);
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: 'https://bot.example.org/slack/events', bot_events: ['app_uninstalled', 'tokens_revoked'] });
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    // An install asks for exactly the scopes the manifest declares.
    expect(manifest.oauth_config.scopes.bot).toEqual([...INSTALL_BOT_SCOPES]);
    expect(manifestYaml(manifest, command.options)).toMatch(/^# HTTP, several workspaces: .* installs return to https:\/\/bot\.example\.org\/slack\/oauth_redirect\.$/m);
  });

  it('keeps a proxied path, and refuses --oauth without --url', () => {
    const command = parseManifestArgs(['--url', 'https://proxy.example.org/twcc/slack/events', '--oauth']);
    if (command.kind !== 'print') throw new Error('not printed');
    const manifest = buildManifest(commandSpecs(), command.options) as { oauth_config: { redirect_urls: string[] } };
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://proxy.example.org/twcc/slack/oauth_redirect']);
    expect(parseManifestArgs(['--oauth'])).toEqual({ kind: 'error', message: '--oauth needs --url https://host: the install returns to https://host/slack/oauth_redirect' });
  });

  it('without --oauth, the manifest is as before: no redirect, no events, no org-wide deployment', () => {
    const manifest = buildManifest(commandSpecs(), { requestUrl: 'https://bot.example.org/slack/events' }) as {
      oauth_config: Record<string, unknown>;
      settings: Record<string, unknown>;
    };
    expect(Object.keys(manifest.oauth_config)).toEqual(['scopes']);
    expect(manifest.settings.event_subscriptions).toBeUndefined();
    expect(manifest.settings.org_deploy_enabled).toBe(false);
  });
});
