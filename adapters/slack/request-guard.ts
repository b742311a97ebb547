import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isValidSlackRequest } from '@slack/bolt';
import { parse as parseQuery } from 'node:querystring';
import { readBody } from '../../src/http/server.js';
import type { Logger } from '../../src/log.js';

/** Bolt's own limit on a request body. */
const BODY_LIMIT = 4 * 1024 * 1024;

type Shape = { ok: true } | { ok: false; status: 400 | 413; reason: string };

/** A field named `payload`, or a field name with a %-escape (which could spell it). */
const FORM_PAYLOAD_FIELD = /(?:^|&)(?:payload=|[^=&]*%)/;

const isPlainObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What Bolt's receiver will make of this body (its parseHTTPRequestBody): a form with a `payload`
 * field is that field's JSON, another form is its fields, anything else is JSON. Bolt reads
 * `body.ssl_check` off the result without a check, so a payload that is not an object (`null`, `1`,
 * `"x"`, an array) would throw inside it; such bodies are refused here. `reason` names no value.
 */
function slackBodyShape(text: string, contentType: string | undefined): Shape {
  let body: unknown;
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      body = typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
    } else {
      body = JSON.parse(text);
    }
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  return isPlainObject(body) ? { ok: true } : { ok: false, status: 400, reason: `payload is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}` };
}

/** Whether Slack signed this body (Bolt checks again; only a signed body is worth parsing here). */
const signedBySlack = (req: IncomingMessage, text: string, signingSecret: string): boolean =>
  isValidSlackRequest({
    signingSecret,
    body: text,
    headers: { 'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''), 'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']) },
  });

/**
 * Wraps Bolt's request listener: the body is read here (Bolt takes a pre-read body from
 * `req.rawBody`, see its bufferIncomingMessage) and refused with 400 when Bolt could not take it.
 * Only a body Slack signed is parsed here: anyone else's goes to Bolt as it is, which refuses it
 * with 401, so an unsigned request never costs a JSON parse of up to 4 MB.
 */
export function refuseMalformedPayloads(
  listener: RequestListener,
  log: Logger,
  signingSecret: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const raw = await readBody(req, BODY_LIMIT);
    const contentType = req.headers['content-type'];
    const text = raw?.toString('utf8');
    // A form without a `payload` field (a slash command) is an object of its fields whatever it holds:
    // not parsed here as well as in Bolt (field names are checked as written, escapes included).
    const mayThrowInBolt = text !== undefined && !(contentType === 'application/x-www-form-urlencoded' && !FORM_PAYLOAD_FIELD.test(text));
    const shape: Shape =
      text === undefined
        ? { ok: false, status: 413, reason: 'body too large' }
        : mayThrowInBolt && signedBySlack(req, text, signingSecret)
          ? slackBodyShape(text, contentType)
          : { ok: true };
    if (!shape.ok) {
      log.warn({ reason: shape.reason }, 'Slack request refused');
      res.writeHead(shape.status, { 'content-type': 'text/plain' });
      res.end(`${shape.reason}\n`);
      return;
    }
    Object.assign(req, { rawBody: raw });
    listener(req, res);
  };
}
