export { SlackInstallations, installationId, type InstallationKey, type RefreshedToken, type RefreshReport, type SlackInstallationsOptions } from './slack-installations.js';
export { slackOAuthRoutes, slackTokenRefresher, INSTALL_BOT_SCOPES, type SlackOAuthConfig, type SlackOAuthRoutes } from './slack-oauth.js';
export { slackTokenRotation, SLACK_TOKEN_SWEEP_INTERVAL_MS } from './rotation-sweep.js';
export { openSlackDistribution, type SlackDistributionParts } from './distribution.js';
