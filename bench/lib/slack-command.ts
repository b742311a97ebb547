/**
 * Slash commands as Slack sends them: a form POSTed to /slack/events, signed with the app's
 * signing secret, each with its own trigger_id and response_url.
 */
import { randomBytes } from 'node:crypto';
import { signSlack } from '../../test/helpers/slack-client.js';

export const SIGNING_SECRET = 'bench-signing-secret';
export const TEAM = 'T0BENCH';

export interface SlashCommand {
  userId: string;
  userName: string;
  /** `/tenant whoami` */
  line: string;
}

const run = randomBytes(3).toString('hex');

/**
 * The body and headers of request number `seq`: a distinct trigger_id, and a distinct response_url
 * `${respondBase}/respond/<tag>.<run>-<seq>.<sent at, ms>`: the fake Slack counts answers per tag
 * (one per slice of load) and reads the send time from it.
 */
export function signedSlashCommand(
  cmd: SlashCommand,
  seq: number,
  respondBase: string,
  tag: string,
): { body: string; headers: Record<string, string>; responseId: string } {
  if (tag.includes('.')) throw new Error(`a tag holds no dot: ${tag}`);
  const responseId = `${tag}.${run}-${seq}.${Date.now()}`;
  const m = /^(\/\S+)\s*(.*)$/s.exec(cmd.line);
  if (!m) throw new Error(`not a slash command: ${cmd.line}`);
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM,
    team_domain: 'bench',
    channel_id: 'CBENCH',
    channel_name: 'bench',
    user_id: cmd.userId,
    user_name: cmd.userName,
    command: m[1]!,
    text: m[2] ?? '',
    api_app_id: 'A0BENCH',
    is_enterprise_install: 'false',
    response_url: `${respondBase}/respond/${responseId}`,
    trigger_id: `${seq}.${run}.${randomBytes(4).toString('hex')}`,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signSlack(body, timestamp, SIGNING_SECRET);
  return {
    responseId,
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  };
}
