import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { metrics } from '../metrics.js';
import { settledWithin } from '../result.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Says why something is not ready, or undefined when it is. Must answer quickly. */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

/** A request's raw body, or undefined as soon as it grows past `limit` bytes (the rest is not read). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The largest body any route takes. Slack's and Discord's payloads are a few kilobytes (a click with
 * its message's blocks, tens); a body is read before its signature can be checked, so what an
 * unauthenticated sender can make the process hold is this much per request, for BODY_READ_MS.
 */
export const MAX_BODY_BYTES = 1 << 20;
/** A request's headers must arrive within this (Node's headersTimeout), then its body within this again; else 408. */
const BODY_READ_MS = 10_000;
/** Node's own backstop for a whole request (headers and body), checked every CONNECTIONS_CHECK_MS. */
const REQUEST_TIMEOUT_MS = 15_000;
const CONNECTIONS_CHECK_MS = 1_000;

export interface HttpServerOptions {
  /** Bodies larger than this are refused 413; MAX_BODY_BYTES by default. */
  maxBodyBytes?: number;
  /** A request whose body has not fully arrived by then is answered 408 and its connection closed; BODY_READ_MS by default. */
  bodyReadMs?: number;
}

/** How long /readyz waits for one check before calling it not ready. */
const CHECK_DEADLINE_MS = 2_000;

/** A check's verdict within `ms`: a check that throws, or does not answer in time, is not ready. */
async function within(check: ReadinessCheck, ms: number): Promise<string | undefined> {
  const settled = await settledWithin(Promise.resolve().then(check), ms);
  if (!settled) return `no answer within ${ms} ms`;
  if (settled.ok) return settled.value;
  return settled.error instanceof Error ? settled.error.message : String(settled.error);
}

/**
 * The one HTTP server on PORT: platform endpoints (`/slack/events`, `/discord/interactions`) are
 * mounted by their adapters; `/healthz` (liveness), `/readyz` (readiness: every named check passes
 * and the process is not stopping) and `/metrics` are served here, in every mode but the shell.
 */
export class HttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  private readonly checks = new Map<string, ReadinessCheck>();
  private server: Server | undefined;
  private stopping = false;

  private readonly maxBodyBytes: number;
  private readonly bodyReadMs: number;

  constructor(
    private readonly port: number,
    private readonly logger: Logger,
    opts: HttpServerOptions = {},
  ) {
    this.maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
    this.bodyReadMs = opts.bodyReadMs ?? BODY_READ_MS;
    this.mount('GET', '/healthz', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    });
    this.mount('GET', '/readyz', (_req, res) => this.readyz(res));
    this.mount('GET', '/metrics', (_req, res) => this.metrics(res));
  }

  mount(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** A named condition /readyz requires (`store`, `slack`, `discord`). */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /**
   * From now on /readyz answers 503 and new platform requests (POST) get 503, so a load balancer sends
   * them elsewhere while the work in flight ends; GET endpoints keep answering until `stop()`.
   */
  markStopping(): void {
    this.stopping = true;
  }

  /** Starts listening; the real port (PORT=0 picks one). */
  async start(): Promise<number> {
    const server = createServer(
      { requestTimeout: Math.max(REQUEST_TIMEOUT_MS, this.bodyReadMs), headersTimeout: this.bodyReadMs, connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
      (req, res) => void this.dispatch(req, res),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  get listeningPort(): number {
    if (!this.server) throw new Error('the HTTP server has not started');
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections; open keep-alive connections are closed once idle. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  /**
   * Bodies are refused before they are read when they say they are too large, and the connection
   * of one not fully arrived within bodyReadMs is answered 408 and closed: a sender that never
   * finishes its body holds neither memory nor a connection for long. (The route still caps what it
   * reads, for a body sent in chunks.)
   */
  private guardBody(req: IncomingMessage, res: ServerResponse): boolean {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBodyBytes) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
      // Once the answer is out, the connection goes with the body still unsent.
      res.end('request body too large\n', () => req.destroy());
      return false;
    }
    if (req.complete) return true;
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (!res.headersSent) {
        res.writeHead(408, { 'content-type': 'text/plain', connection: 'close' });
        res.end('request body not received in time\n');
      }
      // After the answer is flushed: the socket, and what it buffered, goes.
      if (res.writableFinished) req.destroy();
      else res.once('finish', () => req.destroy());
    }, this.bodyReadMs);
    const done = () => clearTimeout(timer);
    req.once('end', done);
    res.once('close', done);
    return true;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.guardBody(req, res)) return;
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (this.stopping && req.method === 'POST') {
      // New work is not taken once stopping: a 503 that a load balancer passes on to another replica
      // (nginx: proxy_next_upstream http_503 non_idempotent); /healthz and /readyz still answer.
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      res.end('stopping\n');
      return;
    }
    const handler = this.routes.get(`${req.method ?? 'GET'} ${path}`);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    try {
      await handler(req, res);
    } catch (err) {
      // The body stopped arriving and was answered 408: the handler's read failed with it, as it should.
      if (res.headersSent && req.destroyed) return;
      this.logger.error({ err, path }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }

  private async readyz(res: ServerResponse): Promise<void> {
    const reasons: string[] = this.stopping ? ['stopping: finishing work in flight'] : [];
    const results = await Promise.all([...this.checks].map(async ([name, check]) => [name, await within(check, CHECK_DEADLINE_MS)] as const));
    for (const [name, why] of results) if (why) reasons.push(`${name}: ${why}`);
    res.writeHead(reasons.length ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(reasons.length ? `${reasons.join('\n')}\n` : 'ready\n');
  }

  private async metrics(res: ServerResponse): Promise<void> {
    const body = await metrics.metrics();
    res.writeHead(200, { 'content-type': metrics.contentType });
    res.end(body);
  }
}
