import { describe, expect, it } from 'vitest';
import { parseConfig, slackDistributed, slackEnabled } from '../../../src/config.js';
import { usage } from '../../../src/usage.js';

const OAUTH = {
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'a-state-secret-of-at-least-32-characters!',
  SLACK_SIGNING_SECRET: 'signing-secret',
};

const problemsOf = (env: Record<string, string>) => {
  const result = parseConfig(env);
  return result.ok ? [] : result.problems.map((p) => `${p.variable}: ${p.message}`);
};

describe('SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET', () => {
  it('all three with the signing secret switch Slack to several workspaces, without a bot token', () => {
    const result = parseConfig(OAUTH);
    if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
    expect(slackEnabled(result.value)).toBe(true);
    expect(slackDistributed(result.value)).toBe(true);
  });

  it('the single-workspace set-up is as it was: SLACK_BOT_TOKEN and the signing secret, not distributed', () => {
    const result = parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(result.ok && slackEnabled(result.value) && !slackDistributed(result.value)).toBe(true);
  });

  it('names each missing one, and refuses a bot token, Socket Mode or one approvals channel beside them', () => {
    expect(problemsOf({ SLACK_CLIENT_ID: '1111.2222', SLACK_SIGNING_SECRET: 's' })).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_SECRET: not set, but SLACK_CLIENT_ID and SLACK_SIGNING_SECRET are; set it to the Client Secret/),
      expect.stringMatching(/^SLACK_STATE_SECRET: not set, .*openssl rand -hex 32/),
    ]);
    expect(problemsOf({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', APPROVALS_CHANNEL: 'C1' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: set together with the OAuth variables; .*unset SLACK_BOT_TOKEN, or unset those three/),
      expect.stringMatching(/^SLACK_APP_TOKEN: Socket Mode serves one workspace; .*unset SLACK_APP_TOKEN/),
      expect.stringMatching(/^APPROVALS_CHANNEL: a channel id belongs to one workspace; .*unset APPROVALS_CHANNEL/),
    ]);
  });

  it('refuses a short state secret without echoing it', () => {
    const problems = problemsOf({ ...OAUTH, SLACK_STATE_SECRET: 'short-secret' });
    expect(problems).toEqual([expect.stringMatching(/^SLACK_STATE_SECRET: is shorter than 32 characters; generate one with `openssl rand -hex 32`/)]);
    expect(problems.join('')).not.toContain('short-secret');
  });

  it('--help describes the mode and the three variables', () => {
    const help = usage();
    expect(help).toMatch(/SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET instead:/);
    for (const name of ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET']) expect(help).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
