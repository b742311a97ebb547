import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Pool, errors, type Dispatcher } from 'undici';
import pkg from '../../../package.json' with { type: 'json' };
import { fail, ok, type ErrorCode, type Result } from '../../result.js';
import { BAD_KEY_401, CREDIT_401, MESSAGE_FIELDS, STALE_PROJECT_404, STALE_PROJECT_503, type Endpoint } from './assumptions.js';
import { ErrorBody, labelOf } from './schemas.js';

const USER_AGENT = `twcc-chatops/${pkg.version} (+undici)`;

/**
 * Milliseconds: TCP/TLS connect, until the response headers, between body chunks (undici checks
 * these two about once a second), and a precise deadline for one whole attempt.
 */
export interface Timeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
  attemptMs: number;
}
const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000, attemptMs: 20_000 };

/** Attempts in all (1 = no retry) and the backoff between them, for GET and DELETE only. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}
const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };

/** A 2xx answer; `body` is the parsed JSON, or undefined when empty. */
interface HttpAnswer {
  status: number;
  body: unknown;
}

export interface TwccCall {
  endpoint: Endpoint;
  apiKey: string;
  body?: unknown;
  /** Statuses that mean something for this endpoint (404 → key_not_found, 405 → main_key). */
  statusCodes?: Partial<Record<number, ErrorCode>>;
}

interface TwccHttpOptions {
  apiUrl: string;
  logger: Logger;
  /** A shared undici dispatcher (an Agent in tests); else the client opens its own Pool. */
  dispatcher?: Dispatcher;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_MESSAGE_CHARS = 200;

/**
 * One attempt's outcome: final, or transient (worth another try when the method allows it);
 * `maybeApplied`: the request may have reached TWCC even though no answer came back.
 */
type Attempt =
  | { final: true; result: Result<HttpAnswer> }
  | { final: false; result: Result<HttpAnswer>; retryAfterMs?: number; maybeApplied: boolean };

/**
 * The TWCC transport: one keep-alive Pool to the gateway, the headers every call carries, timeouts,
 * retries with backoff where repeating is safe (GET; DELETE, where a 404 on a retry means the first
 * try went through), and every failure turned into an ErrorCode. Redirects are never followed: the
 * key would travel to the redirect target. The key never reaches a log line or a `detail`.
 */
export class TwccHttp {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly timeouts: Timeouts;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: Logger;
  private closed = false;

  constructor(opts: TwccHttpOptions) {
    const url = new URL(opts.apiUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? ((ms) => delay(ms));
    this.log = opts.logger;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher =
      opts.dispatcher ??
      new Pool(this.origin, {
        connections: 16,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.timeouts.connectMs },
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
        maxResponseSize: MAX_RESPONSE_BYTES,
      });
  }

  async send(call: TwccCall): Promise<Result<HttpAnswer>> {
    const { method } = call.endpoint;
    if (!call.endpoint.path.endsWith('/')) throw new Error(`TWCC paths end with a slash: ${call.endpoint.path}`);
    const attempts = method === 'GET' || method === 'DELETE' ? Math.max(1, this.retry.attempts) : 1;
    let mayHaveReached = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(call, attempt);
      if (!outcome.final) mayHaveReached ||= outcome.maybeApplied;
      const last = outcome.final || attempt >= attempts || this.closed;
      if (last && !outcome.final && mayHaveReached && method !== 'GET' && !outcome.result.ok) {
        // A write that may have reached TWCC is never reported as "not done".
        return fail('maybe_applied', outcome.result.detail);
      }
      if (last) return outcome.result;
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const wait = Math.min(this.retry.maxDelayMs, Math.max(outcome.retryAfterMs ?? 0, backoff * (0.5 + Math.random() / 2)));
      this.log.warn({ endpoint: labelOf(call.endpoint), attempt, code: outcome.result.ok ? undefined : outcome.result.code, waitMs: Math.round(wait) }, 'twcc call failed, retrying');
      await this.sleep(wait);
    }
  }

  private async attempt(call: TwccCall, attempt: number): Promise<Attempt> {
    const { endpoint, apiKey } = call;
    const label = labelOf(endpoint);
    const scrub = (text: string) => (apiKey ? text.split(apiKey).join('[redacted]') : text);
    const started = performance.now();
    const query = endpoint.query ? `?${new URLSearchParams(endpoint.query).toString()}` : '';

    let status: number;
    let headers: Dispatcher.ResponseData['headers'];
    let text: string;
    try {
      const res = await this.dispatcher.request({
        origin: this.origin,
        path: `${this.basePath}${endpoint.path}${query}`,
        method: endpoint.method,
        headers: {
          'x-api-key': apiKey,
          'x-api-host': endpoint.host,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': USER_AGENT,
        },
        body: call.body === undefined ? null : JSON.stringify(call.body),
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
        signal: AbortSignal.timeout(this.timeouts.attemptMs),
      });
      status = res.statusCode;
      headers = res.headers;
      if (status >= 300 && status < 400) {
        await res.body.dump();
        text = '';
      } else {
        text = await res.body.text();
      }
    } catch (err) {
      if (err instanceof errors.InvalidArgumentError) throw err;
      const why = networkFailure(err);
      this.log.warn({ endpoint: label, attempt, cause: why }, 'twcc call failed');
      if (err instanceof errors.ResponseExceededMaxSizeError) {
        return { final: true, result: fail('unexpected_answer', `${label}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes`) };
      }
      return { final: false, result: fail('backend_unavailable', `${label}: ${why}`), maybeApplied: !neverSent(err) };
    }
    const ms = Math.round(performance.now() - started);
    this.log.debug({ endpoint: label, status, ms, attempt }, 'twcc call');

    // A write whose answer cannot be read may still have been carried out.
    const unreadable: ErrorCode = endpoint.method === 'GET' ? 'unexpected_answer' : 'maybe_applied';
    if (status >= 200 && status < 300) {
      if (text.trim() === '') return { final: true, result: ok({ status, body: undefined }) };
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        const type = String(headers['content-type'] ?? 'no content type').split(';')[0];
        return { final: true, result: fail(unreadable, `${label} answered ${status} with a body that is not JSON (${type})`) };
      }
      // The live gateway answers an unknown route under a valid site with 200 {"message": …} (twcc-api.md).
      const only = messageOnly(body);
      if (only !== undefined) {
        return { final: true, result: fail(unreadable, `${label} answered ${status} with only a message: "${scrub(only).slice(0, MAX_MESSAGE_CHARS)}"`) };
      }
      return { final: true, result: ok({ status, body }) };
    }
    if (status >= 300 && status < 400) {
      const where = redirectTarget(headers['location']);
      return { final: true, result: fail('unexpected_answer', `${label} answered ${status}, a redirect${where}; redirects are not followed`) };
    }
    if (status === 404 && endpoint.method === 'DELETE' && attempt > 1) {
      // The earlier attempt deleted it and its answer was lost.
      return { final: true, result: ok({ status, body: undefined }) };
    }

    const message = scrub(errorMessage(text)).slice(0, MAX_MESSAGE_CHARS);
    const detail = `${label} answered ${status}${message ? `: ${message}` : ''}`;
    // A stale or unknown project id (40401, 50301): the backend looks the id up again; never retried here.
    if ((status === 404 && STALE_PROJECT_404.test(message)) || (status === 503 && STALE_PROJECT_503.test(message))) {
      return { final: true, result: fail('project_not_visible', detail) };
    }
    const special = call.statusCodes?.[status];
    if (special) return { final: true, result: fail(special, detail) };
    if (status === 401) return { final: true, result: fail(unauthorizedMeaning(message), detail) };
    if (status === 403) return { final: true, result: fail('forbidden', detail) };
    if (status === 408 || status === 429 || status >= 500) {
      // 500, 502 and 504 can come after the back end did the work; 408, 429 and 503 mean it did not.
      const maybeApplied = status === 500 || status === 502 || status === 504;
      return { final: false, result: fail('backend_unavailable', detail), retryAfterMs: retryAfter(headers['retry-after']), maybeApplied };
    }
    return { final: true, result: fail('backend_error', detail) };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (!this.ownsDispatcher) return;
    // Let calls in flight finish for a moment, then cut them: shutdown must end within seconds.
    const stop = new AbortController();
    const cut = delay(2_000, undefined, { signal: stop.signal, ref: false }).then(
      () => this.dispatcher.destroy(),
      () => undefined,
    );
    await Promise.race([this.dispatcher.close(), cut]);
    stop.abort();
  }
}

/** The message of a 2xx body that is nothing but `{"message"}` / `{"detail"}`, else undefined. */
function messageOnly(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  if (keys.length === 0 || !keys.every((k) => MESSAGE_FIELDS.includes(k))) return undefined;
  const parsed = ErrorBody.safeParse(body);
  return parsed.success ? ('message' in parsed.data ? parsed.data.message : parsed.data.detail) : JSON.stringify(body);
}

/** 401 means a bad key only when TWCC says so; `[i-service] no quota…` is about credit (twcc-api.md). */
function unauthorizedMeaning(message: string): ErrorCode {
  if (CREDIT_401.test(message)) return 'credit_exhausted';
  if (message === '' || BAD_KEY_401.test(message)) return 'credential_invalid';
  return 'backend_error';
}

/** The text of a `{"message"}` / `{"detail"}` error body, or of a short plain body. */
function errorMessage(text: string): string {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return 'message' in parsed.data ? parsed.data.message : parsed.data.detail;
  } catch {
    // not JSON: fall through
  }
  const plain = text.trim();
  return plain.length > 0 && plain.length <= MAX_MESSAGE_CHARS && !plain.startsWith('<') ? plain : '';
}

/** ` to https://host/path` (no query string: it may carry tokens), or nothing. */
function redirectTarget(location: string | string[] | undefined): string {
  const value = Array.isArray(location) ? location[0] : location;
  if (!value) return '';
  try {
    const url = new URL(value, 'http://relative.invalid');
    return url.origin === 'http://relative.invalid' ? ` to ${url.pathname}` : ` to ${url.origin}${url.pathname}`;
  } catch {
    return '';
  }
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const seconds = v === undefined ? NaN : Number(v);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Failures before the request could leave: nothing reached TWCC. */
function neverSent(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    err instanceof errors.ConnectTimeoutError ||
    err instanceof errors.ClientDestroyedError ||
    err instanceof errors.ClientClosedError ||
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN'
  );
}

/** A short reason for a failed exchange: the error code, never a stack. */
function networkFailure(err: unknown): string {
  if (err instanceof errors.ConnectTimeoutError) return 'connecting timed out';
  if (err instanceof errors.HeadersTimeoutError) return 'no answer in time';
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'no answer in time';
  if (err instanceof errors.BodyTimeoutError) return 'the answer stalled';
  if (err instanceof errors.ClientDestroyedError || err instanceof errors.ClientClosedError) return 'the client is shutting down';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `connection failed (${code})` : 'connection failed';
}
