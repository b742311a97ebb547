import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startSlack, type SlackHandle } from '../../../adapters/slack/index.js';
import { LocalRegistry } from '../../../src/backends/local/registry.js';
import { Core } from '../../../src/core/core.js';
import { projectStore } from '../../../src/core/projects.js';
import { allFeatures } from '../../../src/features/index.js';
import { openSlackDistribution, type SlackDistributionParts } from '../../../src/installations/index.js';
import { REDACTED_PATHS } from '../../../src/log.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { startFakeSlack, type FakeSlack, type OAuthGrant } from '../../fakes/slack.js';
import { signSlack } from '../../helpers/slack-client.js';
import { readable, SIGNING_SECRET } from './harness.js';

type Json = Record<string, unknown>;

export const STATE_SECRET = 'a-state-secret-of-at-least-32-characters!';
export const GENERAL = 'CGENERAL';

/** Where a person types: a workspace (team), inside an Enterprise Grid organization or not. */
export interface Place {
  teamId: string;
  enterpriseId?: string;
  /** The app is installed org-wide, so Slack marks the request `is_enterprise_install`. */
  orgWide?: boolean;
}

export interface WorkspacesOptions {
  /** The clock of the installation cache and the rotation (default the real one). */
  now?: () => number;
  cacheTtlMs?: number;
  /** Another store (a replica beside others on it); a fresh SQLite file otherwise. */
  storeUrl?: string;
  prefix?: string;
  /** Shares the fake Slack (and the encryption key) with another process's world: a second replica. */
  fake?: FakeSlack;
  encryptionKey?: string;
  /** LOCAL_PROJECTS: several projects, each an embedded registry on its own view of the store. */
  projects?: string[];
  /** ADMINS (default two admins of every project). */
  admins?: string[];
}

/** What Slack got back for a slash command (the ack), and where the bot answers it. */
export interface Typed {
  status: number;
  body: string;
  responseUrl: string;
  /** The first answer at the response_url, as text a reader sees. */
  answer(): Promise<string>;
}

/**
 * One deployment in distributed mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET): the real
 * Slack adapter on an ephemeral port, the installation store on a real store, a Core on the embedded
 * registry, and the fake Slack. Workspaces install it through the real OAuth redirect; people type
 * signed slash commands from any of them.
 */
export class Workspaces {
  private counter = 0;

  private constructor(
    readonly logLines: string[],
    readonly fake: FakeSlack,
    readonly store: Store,
    readonly core: Core,
    readonly parts: SlackDistributionParts,
    readonly slack: SlackHandle,
    private readonly dir: string,
    readonly encryptionKey: string,
    private readonly ownsFake: boolean,
  ) {}

  static async start(opts: WorkspacesOptions = {}): Promise<Workspaces> {
    const dir = mkdtempSync(join(tmpdir(), 'chatops-slack-oauth-'));
    const store = await openStore(opts.storeUrl ?? `sqlite://${join(dir, 'store.sqlite')}`, opts.prefix ? { prefix: opts.prefix } : {});
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    // Trace level: even the most verbose log must hold no token.
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const projects = opts.projects?.map((code, i) => ({ code, backend: new LocalRegistry(projectStore(store, code, i === 0), code) }));
    const core = new Core({
      features: allFeatures(),
      store,
      backend: projects ? projects[0]!.backend : new LocalRegistry(store),
      admins: opts.admins ?? ['slack:UADMINA', 'slack:UADMINB'],
      logger,
      ...(projects ? { projects } : {}),
    });
    const fake = opts.fake ?? (await startFakeSlack());
    const encryptionKey = opts.encryptionKey ?? randomBytes(32).toString('base64');
    const parts = openSlackDistribution(
      {
        SLACK_CLIENT_ID: fake.oauthClient.id,
        SLACK_CLIENT_SECRET: fake.oauthClient.secret,
        SLACK_STATE_SECRET: STATE_SECRET,
        SLACK_API_URL: fake.apiUrl,
        ENCRYPTION_KEY: encryptionKey,
      },
      store,
      logger,
      dir,
      { ...(opts.now ? { now: opts.now } : {}), ...(opts.cacheTtlMs !== undefined ? { cacheTtlMs: opts.cacheTtlMs } : {}) },
    );
    const slack = await startSlack({
      core,
      logger,
      webApiRetries: 0,
      distribution: parts.distribution,
      config: {
        SLACK_BOT_TOKEN: undefined,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_APP_TOKEN: undefined,
        SLACK_API_URL: fake.apiUrl,
        PORT: 0,
        APPROVALS_CHANNEL: undefined,
        SLACK_ACK_ANSWER_MS: 0,
      },
    });
    return new Workspaces(lines, fake, store, core, parts, slack, dir, encryptionKey, !opts.fake);
  }

  get url(): string {
    return `http://127.0.0.1:${this.slack.port}`;
  }

  /**
   * An admin installs the app as a browser does: `/slack/install` (a redirect to Slack's consent page,
   * with the state cookie), approval on Slack (the fake's code), then Slack's redirect back to
   * `/slack/oauth_redirect?code=…&state=…` with the cookie. Resolves with the page the admin sees.
   */
  async install(grant: OAuthGrant): Promise<{ status: number; page: string }> {
    const start = await fetch(`${this.url}/slack/install`, { redirect: 'manual' });
    if (start.status !== 302) throw new Error(`/slack/install answered ${start.status}: ${await start.text()}`);
    const consent = new URL(start.headers.get('location') ?? '');
    const state = consent.searchParams.get('state');
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
    if (!state || !cookie) throw new Error('no state or no cookie from /slack/install');
    const code = this.fake.approveInstall(grant);
    return this.redirect({ code, state, cookie });
  }

  /** Slack's redirect back, as the browser makes it. */
  async redirect(p: { code: string; state: string; cookie?: string }): Promise<{ status: number; page: string }> {
    const back = await fetch(`${this.url}/slack/oauth_redirect?code=${encodeURIComponent(p.code)}&state=${encodeURIComponent(p.state)}`, {
      headers: p.cookie ? { cookie: p.cookie } : {},
      redirect: 'manual',
    });
    return { status: back.status, page: await back.text() };
  }

  /** `userId` types `/command text` in a channel of `place`, signed as Slack signs it. */
  async types(place: Place, userId: string, line: string, channel = GENERAL): Promise<Typed> {
    const m = /^(\/\S+)\s*(.*)$/s.exec(line.trim());
    if (!m) throw new Error(`not a slash command: ${line}`);
    const responseUrl = this.fake.newResponseUrl();
    const form: Record<string, string> = {
      team_id: place.teamId,
      team_domain: place.teamId.toLowerCase(),
      ...(place.enterpriseId ? { enterprise_id: place.enterpriseId, enterprise_name: 'Org' } : {}),
      channel_id: channel,
      channel_name: 'general',
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: m[1]!,
      text: m[2] ?? '',
      api_app_id: 'A0001',
      is_enterprise_install: place.orgWide ? 'true' : 'false',
      response_url: responseUrl,
      trigger_id: `${++this.counter}.${randomBytes(4).toString('hex')}`,
    };
    const { status, body } = await this.post(new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded');
    return {
      status,
      body,
      responseUrl,
      answer: async () => {
        const r = await this.fake.waitFor(`an answer at ${responseUrl}`, () => this.fake.responsesTo(responseUrl)[0]);
        const blocks = (r.body.blocks as Json[] | undefined) ?? [];
        return blocks.length > 0 ? readable(blocks) : String(r.body.text ?? '');
      },
    };
  }

  /** The message the bot posted in `channel` (the `index`th), as it stands now (chat.update applied), with the token it was posted with. */
  async postedIn(channel: string, index = 0): Promise<{ channel: string; ts: string; blocks: Json[]; readable: string; token: string | undefined }> {
    const call = await this.fake.waitFor(`message ${index + 1} in ${channel}`, () => this.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)[index]);
    const message = [...this.fake.messages.values()].filter((m) => m.channel === channel)[index];
    if (!message) throw new Error(`no stored message in ${channel}`);
    const blocks = message.blocks as Json[];
    return { channel, ts: message.ts, blocks, readable: readable(blocks), token: call.token };
  }

  /** `userId` of `place` clicks the button labelled `label` on a message in a channel. */
  async clicks(place: Place, userId: string, on: { channel: string; ts: string; blocks: Json[] }, label: string): Promise<{ status: number }> {
    const button = on.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as Json[]).find((b) => (b.text as { text: string }).text === label);
    if (!button) throw new Error(`no [${label}] button`);
    const payload = {
      type: 'block_actions',
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: place.teamId },
      api_app_id: 'A0001',
      container: { type: 'message', message_ts: on.ts, channel_id: on.channel, is_ephemeral: false },
      trigger_id: `${++this.counter}.${randomBytes(4).toString('hex')}`,
      team: { id: place.teamId, domain: place.teamId.toLowerCase(), ...(place.enterpriseId ? { enterprise_id: place.enterpriseId } : {}) },
      enterprise: place.enterpriseId ? { id: place.enterpriseId, name: 'Org' } : null,
      is_enterprise_install: place.orgWide === true,
      channel: { id: on.channel, name: 'general' },
      message: { type: 'message', ts: on.ts, text: '', blocks: on.blocks },
      response_url: this.fake.newResponseUrl(),
      actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', text: button.text, value: button.value, action_ts: `${Date.now() / 1000}` }],
    };
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  }

  /** An Events API delivery (`app_uninstalled`, `tokens_revoked`), JSON, signed. */
  event(place: Place, event: Json, eventTimeSeconds: number): Promise<{ status: number; body: string }> {
    const body = {
      token: 'legacy',
      team_id: place.teamId,
      ...(place.enterpriseId ? { enterprise_id: place.enterpriseId } : {}),
      api_app_id: 'A0001',
      event,
      type: 'event_callback',
      event_id: `Ev${++this.counter}`,
      event_time: eventTimeSeconds,
      authorizations: [{ enterprise_id: place.enterpriseId ?? null, team_id: place.orgWide ? null : place.teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: place.orgWide === true }],
    };
    return this.post(JSON.stringify(body), 'application/json');
  }

  private async post(body: string, contentType: string): Promise<{ status: number; body: string }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(`${this.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlack(body, timestamp, SIGNING_SECRET) },
      body,
    });
    return { status: res.status, body: await res.text() };
  }

  /** Resolves with the first log line containing `text` (polled: logs have no event to wait on). */
  async logged(text: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logLines.find((l) => l.includes(text));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no log line with ${JSON.stringify(text)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The installations collection as it is stored (raw records). */
  stored(): Promise<unknown[]> {
    return this.store.collection<unknown>('installations').values();
  }

  async close(): Promise<void> {
    await this.slack.stop();
    await this.parts.sweeper.stop();
    if (this.ownsFake) await this.fake.stop();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
