import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which installation a request or an event is for, as Slack names it. */
export interface InstallationSource {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall: boolean;
}

/**
 * Distributed mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET): the app serves every
 * workspace that installed it, each with its own bot token. The process hands the adapter this (it is
 * made outside the adapter, on the store: src/installations/); the adapter mounts the install routes,
 * asks it for each request's token and tells it of uninstalls and revocations.
 */
export interface SlackDistribution {
  /** `GET /slack/install`: to Slack's consent page, with the state cookie. */
  install(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** `GET /slack/oauth_redirect`: checks the state, exchanges the code, stores the installation. */
  redirect(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Bolt's `authorize`: the bot token of the installation a request comes from (rejects when there is none). */
  authorize(source: InstallationSource): Promise<{ botToken: string; botId: string; botUserId: string; teamId?: string; enterpriseId?: string }>;
  /** The bot token for posting to workspace `teamId` (its own installation or its organization's). */
  botTokenFor(teamId: string): Promise<string | undefined>;
  /** `app_uninstalled` sent at `eventTimeMs`: true when an installation was deleted. */
  uninstalled(source: InstallationSource, eventTimeMs: number): Promise<boolean>;
  /** `tokens_revoked` naming bot users `botUserIds`: true when an installation was deleted. */
  tokensRevoked(source: InstallationSource, botUserIds: string[], eventTimeMs: number): Promise<boolean>;
}
