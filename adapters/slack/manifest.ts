import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandSpecs, type CommandSpec } from '../../src/core/specs/index.js';

/** The request URL manifest.yml carries; replace its host with yours when creating the app. */
const PLACEHOLDER_REQUEST_URL = 'https://chatops.example.com/slack/events';

/** The scopes the adapter uses: slash commands, posting (replies, approvals), opening DMs. */
const BOT_SCOPES = ['commands', 'chat:write', 'im:write'] as const;

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

export interface ManifestOptions {
  /** Where Slack sends slash commands and interactions over HTTP; unused in Socket Mode. */
  requestUrl?: string;
  /** SLACK_APP_TOKEN set: events come over a WebSocket and no request URL is needed. */
  socketMode?: boolean;
}

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
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      interactivity: socketMode ? { is_enabled: true } : { is_enabled: true, request_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: socketMode,
      token_rotation_enabled: false,
    },
  };
}

const HEADER = [
  '# Slack app manifest for twcc-chatops, generated from src/core/specs by adapters/slack/manifest.ts.',
  '# Do not edit by hand: change the specs, then run `npx tsx adapters/slack/manifest.ts --write`.',
  '# HTTP: replace chatops.example.com with your host. Socket Mode: `--socket-mode` (see the README).',
];

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

export function manifestYaml(manifest: { [key: string]: Yaml }): string {
  return [...HEADER, ...emit(manifest, ''), ''].join('\n');
}

// `npx tsx adapters/slack/manifest.ts --write` refreshes manifest.yml; with `--socket-mode` or
// `--url https://host/slack/events` it prints a manifest tailored to paste into Slack instead.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const urlAt = args.indexOf('--url');
  const requestUrl = urlAt >= 0 ? args[urlAt + 1] : undefined;
  const socketMode = args.includes('--socket-mode');
  if (args.includes('--write')) {
    if (socketMode || requestUrl) throw new Error('--write keeps manifest.yml generic: leave out --socket-mode and --url');
    writeFileSync('manifest.yml', manifestYaml(buildManifest(commandSpecs)));
  } else {
    process.stdout.write(manifestYaml(buildManifest(commandSpecs, { socketMode, ...(requestUrl ? { requestUrl } : {}) })));
  }
}
