import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CommandSpec } from '../../src/core/spec.js';
import { commandSpecs } from '../../src/features/index.js';

/** The request URL manifest.yml carries; replace its host with yours when creating the app. */
const PLACEHOLDER_REQUEST_URL = 'https://chatops.example.com/slack/events';

/** The scopes the adapter uses: slash commands, posting, opening DMs, each user's locale (users.info), audit exports to a DM (files:write). */
const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'files:write'] as const;

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

export interface ManifestOptions {
  /** Where Slack sends slash commands and interactions over HTTP; unused in Socket Mode. */
  requestUrl?: string;
  /** SLACK_APP_TOKEN set: events come over a WebSocket and no request URL is needed. */
  socketMode?: boolean;
  /**
   * Installed in several workspaces (SLACK_CLIENT_ID…): the OAuth redirect beside the request URL, org-wide
   * deployment allowed, and the `app_uninstalled` and `tokens_revoked` events the bot deletes installations on.
   */
  oauth?: boolean;
}

/** The events distributed mode listens to (adapters/slack/lifecycle.ts). */
const LIFECYCLE_EVENTS = ['app_uninstalled', 'tokens_revoked'] as const;

/** `https://host/slack/events` → `https://host/slack/oauth_redirect` (a proxied path keeps its prefix). */
const redirectUrlOf = (requestUrl: string): string => requestUrl.replace(/\/slack\/events$/, '/slack/oauth_redirect');

/** A Slack app manifest (https://docs.slack.dev/reference/app-manifest) built from the command specs. */
export function buildManifest(specs: readonly CommandSpec[], opts: ManifestOptions = {}): { [key: string]: Yaml } {
  const socketMode = opts.socketMode ?? false;
  const url = opts.requestUrl ?? PLACEHOLDER_REQUEST_URL;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'TWCC ChatOps',
      description: 'Manage TWCC API keys and resource quotas from Slack',
      long_description:
        'Members of a TWCC project list, create, extend and delete their API keys and see their quotas; quota changes go to an approvals channel where a second tenant admin approves them. A new key’s secret is only ever shown to its owner.',
      background_color: '#1d3557',
    },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: 'twcc-chatops', always_online: true },
      slash_commands: specs.map((s) => ({
        command: `/${s.name}`,
        ...(socketMode ? {} : { url }),
        description: s.description,
        usage_hint: s.usageHint,
        should_escape: true,
      })),
    },
    oauth_config: { ...(opts.oauth ? { redirect_urls: [redirectUrlOf(url)] } : {}), scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      ...(opts.oauth ? { event_subscriptions: { request_url: url, bot_events: [...LIFECYCLE_EVENTS] } } : {}),
      interactivity: socketMode ? { is_enabled: true } : { is_enabled: true, request_url: url },
      org_deploy_enabled: opts.oauth === true,
      socket_mode_enabled: socketMode,
      token_rotation_enabled: false,
    },
  };
}

const GENERATED = [
  '# Slack app manifest for twcc-chatops, generated from the features’ command specs by adapters/slack/manifest.ts.',
  '# Do not edit by hand: change the specs, then run `npm run slack:manifest`.',
];

/** The comment on top says how the manifest reaches the bot, and only what holds for that output. */
function header(opts: ManifestOptions): string[] {
  if (opts.socketMode) return [...GENERATED, '# Socket Mode: events come over a WebSocket opened with SLACK_APP_TOKEN; no public URL is needed.'];
  if (opts.requestUrl && opts.oauth) {
    return [...GENERATED, `# HTTP, several workspaces: Slack sends commands, interactions and events to ${opts.requestUrl}; installs return to ${redirectUrlOf(opts.requestUrl)}.`];
  }
  if (opts.requestUrl) return [...GENERATED, `# HTTP: Slack sends slash commands and interactions to ${opts.requestUrl}.`];
  return [...GENERATED, '# HTTP: replace chatops.example.com with your host. Socket Mode: `--socket-mode` (see the README).'];
}

/** Block-style YAML; every string double-quoted (a JSON string is a valid YAML double-quoted scalar). */
function emit(value: Yaml, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== 'object') return [`${indent}- ${scalar(item)}`];
      const [first = '', ...rest] = emit(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => {
      if (typeof v !== 'object') return [`${indent}${key}: ${scalar(v)}`];
      if (Array.isArray(v) && v.length === 0) return [`${indent}${key}: []`];
      return [`${indent}${key}:`, ...emit(v, `${indent}  `)];
    });
  }
  return [`${indent}${scalar(value)}`];
}

const scalar = (v: string | number | boolean): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** The YAML text; pass the options the manifest was built with, for the matching header. */
export function manifestYaml(manifest: { [key: string]: Yaml }, opts: ManifestOptions = {}): string {
  return [...header(opts), ...emit(manifest, ''), ''].join('\n');
}

const USAGE = `Usage: node dist/adapters/slack/manifest.js [--url https://host | --socket-mode | --write | --help]

Prints a Slack app manifest built from the command specs, to paste into
https://api.slack.com/apps → Create New App → From an app manifest.

  --url https://host  HTTP: Slack sends commands and clicks to https://host/slack/events
                      (a URL with a path other than / is used as it is).
  --socket-mode       Socket Mode (SLACK_APP_TOKEN): no public URL needed.
  --oauth             with --url: installed in several workspaces (SLACK_CLIENT_ID…): adds the
                      redirect https://host/slack/oauth_redirect, org-wide deployment and the
                      app_uninstalled and tokens_revoked events.
  --write             refresh the generic manifest.yml of the repository (npm run slack:manifest
                      builds first, then writes).
  --help              this text.
With no flag: the manifest with the placeholder host chatops.example.com.
`;

/** What the command line asked for, or the words that say what is wrong with it. */
export type ManifestCommand =
  | { kind: 'help' }
  | { kind: 'write' }
  | { kind: 'print'; options: ManifestOptions }
  | { kind: 'error'; message: string };

/** `--url https://host` → `https://host/slack/events`; anything but an https URL is refused. */
export function requestUrlFrom(raw: string): { ok: true; value: string } | { ok: false; detail: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, detail: `--url takes an https URL such as https://chatops.example.com, not ${JSON.stringify(raw)}` };
  }
  if (url.protocol !== 'https:') return { ok: false, detail: `--url must be https (Slack only calls HTTPS endpoints), not ${url.protocol.slice(0, -1)}` };
  if (url.search || url.hash || url.username || url.password) return { ok: false, detail: '--url takes a plain https URL: no query, fragment or credentials' };
  return { ok: true, value: url.pathname === '/' ? `${url.origin}/slack/events` : url.href };
}

export function parseManifestArgs(args: string[]): ManifestCommand {
  let values: { url?: string | undefined; 'socket-mode'?: boolean | undefined; oauth?: boolean | undefined; write?: boolean | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { url: { type: 'string' }, 'socket-mode': { type: 'boolean' }, oauth: { type: 'boolean' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { kind: 'help' };
  const socketMode = values['socket-mode'] ?? false;
  if (values.oauth && values.url === undefined) return { kind: 'error', message: '--oauth needs --url https://host: the install returns to https://host/slack/oauth_redirect' };
  if (values.write) {
    if (socketMode || values.url !== undefined) return { kind: 'error', message: '--write keeps manifest.yml generic: leave out --socket-mode and --url, and paste the printed manifest into Slack instead' };
    return { kind: 'write' };
  }
  if (socketMode && values.url !== undefined) return { kind: 'error', message: 'Socket Mode needs no URL: use --socket-mode or --url, not both' };
  if (values.url === undefined) return { kind: 'print', options: { socketMode } };
  const url = requestUrlFrom(values.url);
  return url.ok ? { kind: 'print', options: { requestUrl: url.value, ...(values.oauth ? { oauth: true } : {}) } } : { kind: 'error', message: url.detail };
}

// `node dist/adapters/slack/manifest.js --write` refreshes manifest.yml; with `--socket-mode` or
// `--url https://host` it prints a manifest tailored to paste into Slack instead.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const command = parseManifestArgs(process.argv.slice(2));
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      break;
    case 'write':
      writeFileSync('manifest.yml', manifestYaml(buildManifest(commandSpecs())));
      break;
    case 'print':
      process.stdout.write(manifestYaml(buildManifest(commandSpecs(), command.options), command.options));
      break;
    case 'error':
      process.stderr.write(`slack manifest: ${command.message} (--help shows the flags)\n`);
      process.exitCode = 2;
      break;
  }
}
