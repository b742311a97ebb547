import { describe, expect, it } from 'vitest';
import { sealLoginContext } from '../../../adapters/slack/modal-context.js';
import { parseSlackPayload as parseWith } from '../../../adapters/slack/parse.js';

const SECRET = 'parse-test-signing-secret';
const parseSlackPayload = (body: unknown) => parseWith(body, SECRET);

const slash = {
  token: 'legacy',
  team_id: 'T1',
  channel_id: 'C1',
  user_id: 'U1',
  user_name: 'alice',
  command: '/apikey',
  text: 'delete k-1',
  response_url: 'https://hooks.slack.com/commands/T1/1/x',
  trigger_id: '1.2.3',
};

const click = {
  type: 'block_actions',
  trigger_id: '4.5.6',
  user: { id: 'U1', username: 'alice', team_id: 'T1' },
  team: { id: 'T1' },
  channel: { id: 'C1' },
  container: { type: 'message', message_ts: '111.222', channel_id: 'C1', is_ephemeral: true },
  response_url: 'https://hooks.slack.com/actions/T1/1/y',
  actions: [{ action_id: 'c:p1:ok', action_ts: '333.444' }],
};

const submission = (privateMetadata: string, key: string | null) => ({
  type: 'view_submission',
  trigger_id: '7.8.9',
  user: { id: 'U1', username: 'alice', team_id: 'T1' },
  team: { id: 'T1' },
  view: { callback_id: 'tenant-login', private_metadata: privateMetadata, state: { values: { 'api-key': { 'api-key': { type: 'plain_text_input', value: key } } } } },
});

describe('parseSlackPayload', () => {
  it('turns a slash command into a command invocation', () => {
    expect(parseSlackPayload(slash)).toEqual({
      kind: 'command',
      invocation: { kind: 'command', user: { platform: 'slack', workspace: 'T1', userId: 'U1', name: 'alice' }, where: { workspace: 'T1', channelId: 'C1' }, command: 'apikey', text: 'delete k-1', mentions: {}, deliveryId: 'command:1.2.3' },
      triggerId: '1.2.3',
      responseUrl: 'https://hooks.slack.com/commands/T1/1/x',
    });
  });

  it('takes a command name in any case: /APIKEY is /apikey', () => {
    expect(parseSlackPayload({ ...slash, command: '/APIKEY', text: 'LIST' })).toMatchObject({ kind: 'command', invocation: { command: 'apikey', text: 'LIST' } });
  });

  it('writes Slack’s mentions as the core’s @name, with the user each names beside the text', () => {
    const parsed = parseSlackPayload({ ...slash, text: 'list <@U2|bob> <@U3> <@U4|Bob Smith>' });
    expect(parsed).toMatchObject({
      invocation: {
        text: 'list @bob @U3 @U4',
        mentions: { bob: { userId: 'U2', name: 'bob' }, U3: { userId: 'U3' }, U4: { userId: 'U4', name: 'Bob Smith' } },
      },
    });
  });

  it('turns a button click into a click invocation and remembers the message it sits on', () => {
    expect(parseSlackPayload(click)).toEqual({
      kind: 'click',
      invocation: { kind: 'click', user: { platform: 'slack', workspace: 'T1', userId: 'U1', name: 'alice' }, where: { workspace: 'T1', channelId: 'C1' }, actionId: 'c:p1:ok', deliveryId: 'click:4.5.6', messageIsPrivate: true, messageId: '111.222' },
      responseUrl: 'https://hooks.slack.com/actions/T1/1/y',
      message: { channelId: 'C1', ts: '111.222', ephemeral: true },
    });
  });

  it('turns the login modal’s submission into a login invocation in the channel it was opened from', () => {
    const meta = sealLoginContext(SECRET, { channelId: 'C9', responseUrl: 'https://hooks.slack.com/commands/T1/2/z', userId: 'U1' });
    expect(parseSlackPayload(submission(meta, '  key-123456  '))).toMatchObject({
      kind: 'login',
      invocation: { kind: 'login', where: { workspace: 'T1', channelId: 'C9' }, apiKey: 'key-123456' },
      modal: { channelId: 'C9', responseUrl: 'https://hooks.slack.com/commands/T1/2/z' },
    });
  });

  it('names what it does not take, never the values', () => {
    expect(parseSlackPayload({ ...slash, command: '/deploy now' })).toEqual({ kind: 'unsupported', reason: 'slash command: not one of ours' });
    expect(parseSlackPayload({ ...slash, response_url: 'not a url' })).toEqual({ kind: 'unsupported', reason: 'slash command: bad response_url' });
    expect(parseSlackPayload({ ...click, actions: [] })).toEqual({ kind: 'unsupported', reason: 'block_actions: bad actions' });
    expect(parseSlackPayload({ ...click, actions: [{ action_id: 'x'.repeat(101) }] })).toEqual({ kind: 'unsupported', reason: 'block_actions: action_id too long' });
    expect(parseSlackPayload({ type: 'shortcut' })).toEqual({ kind: 'unsupported', reason: 'payload type shortcut' });
    expect(parseSlackPayload('text')).toEqual({ kind: 'unsupported', reason: 'not an object' });
    const badMeta = parseSlackPayload(submission('{"channelId":""}', 'secret-key-value'));
    expect(badMeta).toEqual({ kind: 'unsupported', reason: 'view_submission: private_metadata not sealed' });
    expect(JSON.stringify(badMeta)).not.toContain('secret-key-value');
  });

  it('refuses a modal context it did not seal, sealed for another user, or expired', () => {
    const context = { channelId: 'C9', responseUrl: 'https://hooks.slack.com/commands/T1/2/z' };
    const forged = sealLoginContext('another-secret', { ...context, userId: 'U1' });
    expect(parseSlackPayload(submission(forged, 'k'))).toEqual({ kind: 'unsupported', reason: 'view_submission: private_metadata bad seal' });
    const bobs = sealLoginContext(SECRET, { ...context, userId: 'U2' });
    expect(parseSlackPayload(submission(bobs, 'k'))).toEqual({ kind: 'unsupported', reason: 'view_submission: private_metadata another user' });
    const old = sealLoginContext(SECRET, { ...context, userId: 'U1' }, Date.now() - 31 * 60 * 1000);
    expect(parseSlackPayload(submission(old, 'k'))).toEqual({ kind: 'unsupported', reason: 'view_submission: private_metadata expired' });
  });

  it('takes a submission with an empty input as an empty key (the core answers it)', () => {
    const meta = sealLoginContext(SECRET, { channelId: 'C9', responseUrl: 'https://hooks.slack.com/commands/T1/2/z', userId: 'U1' });
    expect(parseSlackPayload(submission(meta, null))).toMatchObject({ kind: 'login', invocation: { apiKey: '' } });
  });
});

describe('a slash command’s text reaches the core as the user typed it', () => {
  const typed = (text: string) => {
    const parsed = parseSlackPayload({ ...slash, text });
    if (parsed.kind !== 'command') throw new Error(parsed.kind);
    return { text: parsed.invocation.text, mentions: parsed.invocation.mentions };
  };

  it('decodes the three entities Slack escapes, once', () => {
    expect(typed('request vcs cpu=2 need &lt;more&gt; GPUs &amp; memory').text).toBe('request vcs cpu=2 need <more> GPUs & memory');
    // A typed `&lt;` arrives as `&amp;lt;` and stays `&lt;`.
    expect(typed('a &amp;lt; b').text).toBe('a &lt; b');
  });

  it('reads real mentions from Slack’s markup, and leaves a typed one as text', () => {
    expect(typed('link <@U2|bob> bob &lt;@U3|eve&gt;')).toEqual({ text: 'link @bob bob <@U3|eve>', mentions: { bob: { userId: 'U2', name: 'bob' } } });
  });
});
