import type { Sweep } from '../core/sweeper.js';
import type { RefreshReport, SlackInstallations } from './slack-installations.js';

/** How often the sweep looks for tokens about to expire: well inside the refresh-ahead hour. */
export const SLACK_TOKEN_SWEEP_INTERVAL_MS = 5 * 60_000;

/**
 * Slack token rotation, ahead of expiry: every interval, on the one replica holding the sweep's lease,
 * each bot token that expires within the hour is refreshed under its installation's lock (so even two
 * replicas that both believed they held the lease spend a refresh token once). Not when events arrive,
 * as Bolt does: a quiet workspace's token is kept alive too.
 */
export const slackTokenRotation: Sweep<SlackInstallations, RefreshReport> = {
  name: 'slack-token-rotation',
  lease: 'slack-token-rotation-sweep',
  intervalMs: SLACK_TOKEN_SWEEP_INTERVAL_MS,
  run: (installations, control) => installations.refreshDue(() => control.mayContinue()),
  eventful: (r) => r.refreshed + r.failed > 0,
};
