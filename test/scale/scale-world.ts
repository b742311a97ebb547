import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { closedPort } from '../startup/bot-process.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { AuditEntry } from '../../src/core/audit.js';
import { startNginx, type Nginx } from './nginx.js';
import { Replicas } from './replicas.js';
import { freshPostgresDatabase, freshRedisDatabase, type SharedStore } from './shared-store.js';
import { startSlackFront, type SlackFront } from './slack-front.js';
import { SlackTraffic, type Shown } from './slack-traffic.js';

export interface Person {
  id: string;
  name: string;
}
export const admin1: Person = { id: 'UADMIN1', name: 'admin1' };
export const admin2: Person = { id: 'UADMIN2', name: 'admin2' };
export const MEMBERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((name) => ({ id: `U${name.toUpperCase()}`, name }));
export const mention = (p: Person) => `<@${p.id}|${p.name}>`;

/**
 * One tenant served by N replicas of the real bot on one shared store, behind nginx: Slack talks to
 * nginx (`lb`), or straight to a replica when a test means to. The test reads the store itself only
 * to count what was executed (the audit log).
 */
export class ScaleWorld {
  /** Answers the bot gave that the test waited for and got. */
  answers = 0;

  private constructor(
    readonly shared: SharedStore,
    readonly fake: FakeSlack,
    /** The Slack origin the replicas see (SLACK_API_URL, response_urls), in front of the fake. */
    readonly front: SlackFront,
    readonly replicas: Replicas,
    readonly nginx: Nginx,
    readonly slack: SlackTraffic,
    readonly store: Store,
  ) {}

  /** `env`: more environment for every replica. */
  static async start(kind: 'redis' | 'postgres', count: number, env: Record<string, string> = {}): Promise<ScaleWorld> {
    const shared = kind === 'redis' ? freshRedisDatabase() : freshPostgresDatabase();
    const fake = await startFakeSlack();
    const front = await startSlackFront(fake.url);
    let replicas: Replicas | undefined;
    try {
      replicas = await Replicas.start(count, { storeUrl: shared.url, slackApiUrl: `${front.url}/api/`, env });
      const nginx = await startNginx(await closedPort(), replicas.ports);
      const store = await openStore(shared.url);
      return new ScaleWorld(shared, fake, front, replicas, nginx, new SlackTraffic(fake, front.url), store);
    } catch (err) {
      await replicas?.stop();
      await front.stop();
      await fake.stop();
      shared.drop();
      throw err;
    }
  }

  get lb(): string {
    return this.nginx.url;
  }

  /** Waits for the answer to an acknowledged request and counts it. */
  async answerTo(ack: { status: number; responseUrl: string }, what: string, expected: RegExp): Promise<Shown> {
    if (ack.status !== 200) throw new Error(`${what}: HTTP ${ack.status}, not acknowledged`);
    const shown = await this.slack.fake.waitFor(what, () => this.slack.answersAt(ack.responseUrl)[0]);
    if (!expected.test(shown.text)) throw new Error(`${what}: expected ${expected}, got: ${shown.text}`);
    this.answers += 1;
    return shown;
  }

  /** How many times the audit log says `action` was done on `target` (an execution, not a request). */
  async executions(action: string, target: string): Promise<number> {
    const entries = await this.store.collection<AuditEntry>('audit').values();
    return entries.filter((e) => e.action === action && e.target === target && e.outcome === 'ok').length;
  }

  async close(): Promise<void> {
    await this.nginx.stop().catch(() => undefined);
    await this.replicas.stop();
    await this.store.close();
    await this.front.stop();
    await this.fake.stop();
    this.shared.drop();
  }
}

/** Resolves once `probe` holds, polled every 25 ms (logs have no event to wait on); fails after `timeoutMs`. */
export async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The admin links a member (through `url`). */
export async function links(w: ScaleWorld, url: string, member: Person): Promise<void> {
  const ack = await w.slack.command(url, admin1, `/tenant link ${mention(member)} ${member.name}`);
  await w.answerTo(ack, `${member.name} linked`, new RegExp(`^Linked @${member.name} to member \`${member.name}\``));
}

/** A member creates a key; its id. */
export async function createsKey(w: ScaleWorld, url: string, member: Person): Promise<string> {
  const ack = await w.slack.command(url, member, '/apikey create');
  const shown = await w.answerTo(ack, `${member.name}'s new key`, /^New API key `k-[0-9a-f]+` created/);
  return /`(k-[0-9a-f]+)`/.exec(shown.text)![1]!;
}

/** A member asks to delete a key: the confirmation card. */
export async function asksToDelete(w: ScaleWorld, url: string, member: Person, keyId: string): Promise<Shown> {
  const ack = await w.slack.command(url, member, `/apikey delete ${keyId}`);
  return w.answerTo(ack, `the card to delete ${keyId}`, /^Delete 1 API key: `k-[0-9a-f]+`[\s\S]*\[Delete\]/);
}

/** The admin asks for 16 CPUs for a member: the request id. */
export async function asksForQuota(w: ScaleWorld, url: string, member: Person): Promise<string> {
  const ack = await w.slack.command(url, admin1, `/quota set ${mention(member)} vcs cpu=16 more training runs`);
  const shown = await w.answerTo(ack, `the quota request for ${member.name}`, /^Asked the tenant admins to approve VCS quota/);
  return /\(request `([\w-]+)`\)/.exec(shown.text)![1]!;
}
