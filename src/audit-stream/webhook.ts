import { Agent, request, type Dispatcher } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import type { AuditEvent } from '../core/audit-event.js';
import { retryAfterMs } from './retry-after.js';
import { SIGNATURE_HEADER, signBatch, TIMESTAMP_HEADER } from './signature.js';

/** AUDIT_WEBHOOK_FORMAT: JSON Lines of events, or Splunk HEC's event envelope (one per line). */
export type WebhookFormat = 'jsonl' | 'splunk-hec';

/** Why a batch was not taken, as `chatops_audit_stream_failures_total` labels it. */
export type FailureReason = 'server_error' | 'rate_limited' | 'refused' | 'timeout' | 'network';

/** A batch's fate: taken (2xx), or not, with what the receiver asked for (`Retry-After`). */
export type Delivery =
  | { ok: true; status: number }
  | { ok: false; reason: FailureReason; status?: number; retryAfterMs?: number; message: string };

export interface AuditWebhookOptions {
  /** AUDIT_WEBHOOK_URL: HTTPS (plain HTTP on loopback only; config.ts checks). */
  url: string;
  /** AUDIT_WEBHOOK_SECRET: the HMAC key; with splunk-hec also the HEC token. */
  secret: string;
  format: WebhookFormat;
  /** A batch not answered within this is abandoned and sent again later (the receiver may have taken it: at least once). */
  deadlineMs?: number;
  /** The clock the signature's timestamp and an HTTP-date `Retry-After` are read by. */
  now?: () => number;
  dispatcher?: Dispatcher;
}

const USER_AGENT = `twcc-chatops/${pkg.version} (+undici)`;
const DEFAULT_DEADLINE_MS = 15_000;
/** What is read of an answer's body (it is not used): the rest is dropped with the connection. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Splunk HEC's event envelope: `time` in epoch seconds, the event as sent in JSON Lines. */
const splunkEnvelope = (e: AuditEvent) => ({ time: Date.parse(e.time) / 1000, source: 'twcc-chatops', sourcetype: 'twcc-chatops:audit', event: e });

/** The request body of one batch: one JSON object a line, each line ending in LF. */
export function batchBody(events: readonly AuditEvent[], format: WebhookFormat): string {
  return events.map((e) => `${JSON.stringify(format === 'splunk-hec' ? splunkEnvelope(e) : e)}\n`).join('');
}

/**
 * The SIEM's endpoint: one POST per batch, signed (./signature.ts), within a deadline, never
 * following a redirect (the batch would go where the URL does not say). Every failure is a value.
 */
export class AuditWebhook {
  readonly #dispatcher: Dispatcher;
  readonly #owned: Agent | undefined;
  readonly #deadlineMs: number;
  readonly #now: () => number;

  constructor(private readonly opts: AuditWebhookOptions) {
    this.#deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.#now = opts.now ?? Date.now;
    this.#owned = opts.dispatcher ? undefined : new Agent({ connect: { timeout: this.#deadlineMs } });
    this.#dispatcher = opts.dispatcher ?? this.#owned!;
  }

  /** Where batches go, for log lines: the origin only (a URL's path or query may carry a token). */
  get origin(): string {
    return new URL(this.opts.url).origin;
  }

  async post(body: string, signal: AbortSignal): Promise<Delivery> {
    const timestamp = Math.floor(this.#now() / 1000);
    const splunk = this.opts.format === 'splunk-hec';
    const headers: Record<string, string> = {
      'content-type': splunk ? 'application/json' : 'application/x-ndjson',
      'user-agent': USER_AGENT,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signBatch(this.opts.secret, timestamp, body),
      ...(splunk ? { authorization: `Splunk ${this.opts.secret}` } : {}),
    };
    const deadline = AbortSignal.timeout(this.#deadlineMs);
    try {
      const answer = await request(this.opts.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([signal, deadline]),
        dispatcher: this.#dispatcher,
        headersTimeout: this.#deadlineMs,
        bodyTimeout: this.#deadlineMs,
      });
      await answer.body.dump({ limit: MAX_ANSWER_BYTES });
      const status = answer.statusCode;
      if (status >= 200 && status < 300) return { ok: true, status };
      const wait = retryAfterMs(answer.headers['retry-after'], this.#now());
      const reason: FailureReason = status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'refused';
      return { ok: false, reason, status, ...(wait !== undefined ? { retryAfterMs: wait } : {}), message: `answered ${status}` };
    } catch (err) {
      if (deadline.aborted && !signal.aborted) return { ok: false, reason: 'timeout', message: `no answer within ${this.#deadlineMs} ms` };
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { ok: false, reason: 'network', message };
    }
  }

  async close(): Promise<void> {
    await this.#owned?.close();
  }
}
