import { loadEncryptionKey } from '../crypto/encryption-key.js';
import { Sweeper, type SweepControl } from '../core/sweeper.js';
import { summarizeError, type Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { slackTokenRotation } from './rotation-sweep.js';
import { SlackInstallations, type RefreshReport } from './slack-installations.js';
import { slackOAuthRoutes, slackTokenRefresher, type SlackOAuthConfig } from './slack-oauth.js';

export interface SlackDistributionParts {
  installations: SlackInstallations;
  /** What the Slack adapter takes as its `distribution` (adapters/slack/distribution.ts). */
  distribution: {
    install: ReturnType<typeof slackOAuthRoutes>['install'];
    redirect: ReturnType<typeof slackOAuthRoutes>['redirect'];
    authorize: SlackInstallations['authorize'];
    botTokenFor: SlackInstallations['botTokenFor'];
    uninstalled: SlackInstallations['uninstalled'];
    tokensRevoked: SlackInstallations['tokensRevoked'];
  };
  /** The token rotation sweep: main.ts starts it with the others. */
  sweeper: Sweeper;
}

/**
 * Slack in several workspaces, as the process wires it: the installation store on `store` (tokens
 * sealed with ENCRYPTION_KEY, or the key file in `dataDir`), the OAuth routes and the rotation sweep.
 */
export function openSlackDistribution(
  config: SlackOAuthConfig & { ENCRYPTION_KEY?: string | undefined },
  store: Store,
  logger: Logger,
  dataDir: string,
  opts: { now?: () => number; cacheTtlMs?: number; refreshAheadMs?: number; sweepIntervalMs?: number; onReport?: (report: object, sweep: string) => void } = {},
): SlackDistributionParts {
  const log = logger.child({ component: 'slack-installations' });
  const installations = new SlackInstallations(store, loadEncryptionKey(config.ENCRYPTION_KEY, dataDir), {
    refresher: slackTokenRefresher(config),
    onRefreshFailure: (id, err) => log.error({ installation: id, error: summarizeError(err) }, 'Slack token refresh failed; the next sweep tries again'),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.cacheTtlMs !== undefined ? { cacheTtlMs: opts.cacheTtlMs } : {}),
    ...(opts.refreshAheadMs !== undefined ? { refreshAheadMs: opts.refreshAheadMs } : {}),
  });
  const routes = slackOAuthRoutes(config, installations, logger);
  const run = (control: SweepControl): Promise<RefreshReport> => slackTokenRotation.run(installations, control);
  const sweeper = new Sweeper<object>(slackTokenRotation as never, run, store, log, {
    ...(opts.sweepIntervalMs !== undefined ? { intervalMs: opts.sweepIntervalMs } : {}),
    ...(opts.onReport ? { onReport: opts.onReport } : {}),
  });
  return {
    installations,
    distribution: {
      install: routes.install,
      redirect: routes.redirect,
      authorize: (source) => installations.authorize(source),
      botTokenFor: (teamId) => installations.botTokenFor(teamId),
      uninstalled: (key, at) => installations.uninstalled(key, at),
      tokensRevoked: (key, bots, at) => installations.tokensRevoked(key, bots, at),
    },
    sweeper,
  };
}
