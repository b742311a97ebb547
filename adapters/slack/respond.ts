import { Agent, request } from 'undici';
import { filesOf, type Reply } from '../../src/core/reply.js';
import { mayPostTo } from './modal-context.js';
import { renderReply } from './render.js';

/**
 * The way back to Slack for a slash command: in the HTTP acknowledgement when the core answers
 * within a short budget, else through the command's response_url on a keep-alive pool.
 */

/** A slash command's answer as its HTTP acknowledgement carries it (Slack shows it as it shows a response_url post). */
export type AckAnswer = Record<string, unknown> & { response_type: 'ephemeral' | 'in_channel'; text: string };

/**
 * The ack body for a reply, or undefined when the reply cannot ride in the ack: a DM is a Web API
 * call, and a reply that replaces a message has none to replace for a typed command. The core's
 * secret rule has already made a secret reply private (ephemeral), so it stays that way here.
 */
export function ackAnswerFor(r: Reply): AckAnswer | undefined {
  // A file is uploaded through the Web API first: it never rides in the ack.
  if (r.visibility === 'dm' || r.replaceOriginal || filesOf(r).length > 0) return undefined;
  return { response_type: r.visibility === 'channel' ? 'in_channel' : 'ephemeral', ...renderReply(r) };
}

/** How long a response_url may take to answer one POST (headers, then body): Slack answers in well under a second. */
const POST_TIMEOUT_MS = 10_000;

/**
 * POSTs to response_urls as Bolt's respond() does, but through undici's request on a keep-alive pool
 * of its own: the global fetch cost about a fifth of the bot's busy time under load (web streams,
 * a new Request and Response per answer; see BENCHMARKS.md). Only to Slack's own hosts (or
 * SLACK_API_URL's origin), whatever a request names, so a crafted URL never receives an answer.
 */
export class ResponseUrlPoster {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 16, headersTimeout: POST_TIMEOUT_MS, bodyTimeout: POST_TIMEOUT_MS });

  constructor(private readonly slackApiUrl: string | undefined) {}

  async post(url: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    if (!mayPostTo(url, this.slackApiUrl)) throw Object.assign(new Error('response_url is not a Slack host; not posted'), { code: 'slack_response_url_refused' });
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher: this.agent,
      ...(signal ? { signal } : {}),
    });
    // The body is read to its end so that the connection goes back to the pool.
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode >= 300) throw Object.assign(new Error(`response_url answered ${res.statusCode}`), { code: 'slack_response_url_failed' });
  }

  /** Closes the pool once the posts in flight are done. */
  close(): Promise<void> {
    return this.agent.close();
  }
}
