import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  HTTPModuleFunctions,
  HTTPResponseAck,
  verifySlackRequest,
  type App,
  type Logger as BoltLogger,
  type Receiver,
  type ReceiverUnhandledRequestHandlerArgs,
} from '@slack/bolt';
import { MAX_BODY_BYTES, readBody } from '../../src/http/server.js';
import { summarizeError, type Logger } from '../../src/log.js';

const FORM = 'application/x-www-form-urlencoded';

type Refusal = { status: 400 | 401 | 413; reason: string };
type Read = { ok: true; body: Record<string, unknown> } | { ok: false; refusal: Refusal };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const nameOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/**
 * A body as Bolt's parseHTTPRequestBody reads it (a form with a `payload` field is that field's JSON,
 * another form its fields, anything else JSON), refused when Bolt could not take it: Bolt reads
 * `body.ssl_check` without a check (a payload of `null` throws inside it), and a block_actions whose
 * `actions` is not a list of actions throws in its routing (HTTP 500). `reason` names no value.
 */
function slackBody(text: string, form: Record<string, unknown> | undefined): Read {
  let body: unknown;
  try {
    body = form ? (typeof form.payload === 'string' ? JSON.parse(form.payload) : form) : JSON.parse(text);
  } catch {
    return { ok: false, refusal: { status: 400, reason: 'body is not JSON' } };
  }
  if (!isPlainObject(body)) return { ok: false, refusal: { status: 400, reason: `payload is ${nameOf(body)}` } };
  if (body.type === 'block_actions' && !(Array.isArray(body.actions) && body.actions.length > 0 && body.actions.every(isPlainObject))) {
    return { ok: false, refusal: { status: 400, reason: 'actions is not a list of actions' } };
  }
  return { ok: true, body };
}

export interface VerifiedReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** The logger Bolt's acknowledgement reports to. */
  boltLogger: BoltLogger;
  /** Bolt acknowledges a payload no listener takes after this long, through `unhandledRequestHandler`. */
  unhandledRequestTimeoutMillis: number;
  unhandledRequestHandler: (args: ReceiverUnhandledRequestHandlerArgs) => void;
}

/**
 * Bolt's HTTP receiver with each request checked once: its body read once (capped at the server's
 * MAX_BODY_BYTES, not Bolt's 4 MB), its signature verified once (Bolt's verifySlackRequest: the HMAC
 * and the 5-minute replay window), its body parsed once, then handed to the Bolt app (`app.processEvent`, with Bolt's own HTTPResponseAck) as Bolt's
 * HTTPReceiver does. Bolt's receiver verified and parsed again whatever a guard in front of it had
 * already read, and a guard was needed: Bolt throws on bodies it cannot take (see slackBody).
 * Statuses as Bolt's: 413 too large, 401 not signed or too old, 400 malformed, 200 ssl_check
 * (unsigned, as Slack sends it) and url_verification.
 */
export class VerifiedReceiver implements Receiver {
  #app: App | undefined;

  constructor(private readonly opts: VerifiedReceiverOptions) {}

  init(app: App): void {
    this.#app = app;
  }

  /** The process's HTTP server serves the requests (requestListener); nothing to start or stop here. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  readonly requestListener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await this.#read(req);
    if (!read.ok) {
      const { status, reason } = read.refusal;
      this.opts.logger.warn({ reason }, 'Slack request refused');
      // 401 with no body, as Bolt answers it.
      if (status === 401) return HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`${reason}\n`);
      return;
    }
    const { body } = read;
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
    // Not awaited, as in Bolt's receiver: the listeners run on after the ack.
    void this.#dispatch(req, res, body);
  };

  async #read(req: IncomingMessage): Promise<Read> {
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (!raw) return { ok: false, refusal: { status: 413, reason: 'body too large' } };
    const text = raw.toString('utf8');
    const form = req.headers['content-type'] === FORM ? parseQuery(text) : undefined;
    // Slack's ssl_check is not signed; nothing else of the body is kept (Bolt strips it likewise).
    if (form?.ssl_check === '1') return { ok: true, body: { ssl_check: '1' } };
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: text,
        headers: { 'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''), 'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']) },
      });
    } catch (err) {
      return { ok: false, refusal: { status: 401, reason: `signature: ${summarizeError(err).message}` } };
    }
    Object.assign(req, { rawBody: raw });
    return slackBody(text, form);
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const { boltLogger: logger } = this.opts;
    const ack = new HTTPResponseAck({
      logger,
      processBeforeResponse: false,
      unhandledRequestHandler: this.opts.unhandledRequestHandler,
      unhandledRequestTimeoutMillis: this.opts.unhandledRequestTimeoutMillis,
      httpRequest: req as IncomingMessage & { rawBody: Buffer },
      httpRequestBody: body,
      httpResponse: res,
    });
    try {
      if (!this.#app) throw new Error('the Slack receiver has no app');
      await this.#app.processEvent({
        body,
        ack: ack.bind(),
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
        customProperties: {},
      });
    } catch (error) {
      const { storedResponse } = ack;
      const failure = { error: error as Error, logger, request: req, response: res, storedResponse };
      const acknowledged = await HTTPModuleFunctions.defaultProcessEventErrorHandler(failure);
      if (acknowledged) ack.ack();
    }
  }
}
