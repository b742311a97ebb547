import type { IncomingMessage, ServerResponse } from 'node:http';
import { InstallProvider, type Installation, type Logger as SlackLogger, LogLevel } from '@slack/oauth';
import { request } from 'undici';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { summarizeError } from '../log.js';
import type { RefreshedToken, SlackInstallations, TokenRefresher } from './slack-installations.js';

/** What distributed mode needs of the configuration (src/config.ts). */
export interface SlackOAuthConfig {
  SLACK_CLIENT_ID: string;
  SLACK_CLIENT_SECRET: string;
  SLACK_STATE_SECRET: string;
  SLACK_API_URL: string;
}

/** The bot scopes an install asks for: the same as the manifest's (adapters/slack/manifest.ts). */
export const INSTALL_BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'files:write'] as const;

/** `/slack/install` and `/slack/oauth_redirect`, as the HTTP server mounts them. */
export interface SlackOAuthRoutes {
  install(req: IncomingMessage, res: ServerResponse): Promise<void>;
  redirect(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * @slack/oauth logs request details at debug (an authorize URL, a grant); only info and above reach
 * the log, as words: objects are named, never printed.
 */
function oauthLogger(log: Logger): SlackLogger {
  const words = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : `[${typeof p}]`)).join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => log.info({ component: 'slack-oauth' }, words(parts)),
    warn: (...parts: unknown[]) => log.warn({ component: 'slack-oauth' }, words(parts)),
    error: (...parts: unknown[]) => log.error({ component: 'slack-oauth' }, words(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page the installing admin's browser shows, in English and Traditional Chinese (it knows no member's language yet). */
function page(res: ServerResponse, status: number, text: { en: string; zhTW: string }): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><meta charset="utf-8"><title>twcc-chatops</title><p lang="en">${escapeHtml(text.en)}</p><p lang="zh-TW">${escapeHtml(text.zhTW)}</p>\n`);
}

const nameOf = (i: Installation) => (i.isEnterpriseInstall ? (i.enterprise?.name ?? i.enterprise?.id ?? '') : (i.team?.name ?? i.team?.id ?? ''));

/**
 * Bolt's InstallProvider over our installation store: `/slack/install` sets the state cookie and sends
 * the browser to Slack's consent page (state signed with SLACK_STATE_SECRET, 10 minutes);
 * `/slack/oauth_redirect` checks the state against the cookie, exchanges the code (oauth.v2.access) and
 * stores the installation, sealed.
 */
export function slackOAuthRoutes(config: SlackOAuthConfig, installations: SlackInstallations, logger: Logger): SlackOAuthRoutes {
  const log = logger.child({ component: 'slack-oauth' });
  const provider = new InstallProvider({
    clientId: config.SLACK_CLIENT_ID,
    clientSecret: config.SLACK_CLIENT_SECRET,
    stateSecret: config.SLACK_STATE_SECRET,
    installationStore: installations,
    installUrlOptions: { scopes: [...INSTALL_BOT_SCOPES] },
    directInstall: true,
    logger: oauthLogger(log),
    clientOptions: { slackApiUrl: config.SLACK_API_URL, retryConfig: { retries: 0 } },
  });
  return {
    async install(req, res) {
      try {
        await provider.handleInstallPath(req, res);
      } catch (err) {
        log.error({ error: summarizeError(err) }, 'Slack install page failed');
        if (!res.headersSent) page(res, 500, { en: 'The install link could not be made; see the bot’s log.', zhTW: '無法產生安裝連結，請查看機器人的日誌。' });
      }
    },
    redirect(req, res) {
      return provider.handleCallback(req, res, {
        success: (installation, _options, _req, response) => {
          log.info({ team: installation.team?.id, enterprise: installation.enterprise?.id, orgWide: installation.isEnterpriseInstall === true }, 'Slack app installed');
          const where = nameOf(installation);
          page(response, 200, installation.isEnterpriseInstall
            ? { en: `twcc-chatops is installed in the organization ${where}. You can close this page and type /tenant in Slack.`, zhTW: `twcc-chatops 已安裝於組織「${where}」。可以關閉此頁，在 Slack 輸入 /tenant。` }
            : { en: `twcc-chatops is installed in the workspace ${where}. You can close this page and type /tenant in Slack.`, zhTW: `twcc-chatops 已安裝於工作區「${where}」。可以關閉此頁，在 Slack 輸入 /tenant。` });
        },
        failure: (error, _options, _req, response) => {
          log.warn({ code: error.code, reason: error.message }, 'Slack install refused');
          page(response, 400, {
            en: `The installation did not complete (${error.code}). Start again from /slack/install.`,
            zhTW: `安裝未完成（${error.code}）。請從 /slack/install 重新開始。`,
          });
        },
      });
    },
  };
}

const RefreshAnswer = z.union([
  z.object({ ok: z.literal(true), access_token: z.string().min(1), refresh_token: z.string().min(1), expires_in: z.number().int().positive() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** How long one refresh call may take. */
const REFRESH_TIMEOUT_MS = 10_000;

/** Spends a refresh token at Slack's oauth.v2.access (grant_type=refresh_token). The error names Slack's code, never a token. */
export function slackTokenRefresher(config: Pick<SlackOAuthConfig, 'SLACK_CLIENT_ID' | 'SLACK_CLIENT_SECRET' | 'SLACK_API_URL'>): TokenRefresher {
  const url = `${config.SLACK_API_URL.replace(/\/+$/, '')}/oauth.v2.access`;
  return async (refreshToken: string): Promise<RefreshedToken> => {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: config.SLACK_CLIENT_ID,
        client_secret: config.SLACK_CLIENT_SECRET,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }).toString(),
      headersTimeout: REFRESH_TIMEOUT_MS,
      bodyTimeout: REFRESH_TIMEOUT_MS,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw Object.assign(new Error(`oauth.v2.access answered HTTP ${res.statusCode}`), { code: 'slack_refresh_failed' });
    }
    const answer = RefreshAnswer.safeParse(await res.body.json());
    if (!answer.success) throw Object.assign(new Error('oauth.v2.access answered something else than a token'), { code: 'slack_refresh_failed' });
    if (!answer.data.ok) throw Object.assign(new Error(`oauth.v2.access refused the refresh (${answer.data.error})`), { code: 'slack_refresh_refused' });
    return { accessToken: answer.data.access_token, refreshToken: answer.data.refresh_token, expiresInSeconds: answer.data.expires_in };
  };
}
