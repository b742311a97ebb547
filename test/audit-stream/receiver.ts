import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One POST the receiver got, and what it answered (undefined while it holds the answer back). */
export interface Received {
  n: number;
  headers: IncomingHttpHeaders;
  body: string;
  status: number | undefined;
}

/** How the receiver answers a request: a status (with headers), or `hang`: no answer at all. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** How the n-th request (1-based) is answered; 200 unless the test says otherwise. */
  answer: (r: Received) => Answer;
  /** The bodies answered 2xx. */
  taken(): Received[];
  /** The events of the bodies answered 2xx, in arrival order (JSON Lines parsed). */
  takenEvents(): Record<string, unknown>[];
  /** Resolves once `probe` holds after a request (at once if it already does). */
  until(probe: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export const linesOf = (body: string): Record<string, unknown>[] =>
  body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * The receiver's side of the README's verification, written from the README alone: HMAC-SHA256 with
 * the shared secret over `v1:` + the X-Chatops-Timestamp header + `:` + the raw body, hex, after `v1=`.
 */
export function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['x-chatops-timestamp'] ?? '');
  const given = String(headers['x-chatops-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || !given.startsWith('v1=')) return false;
  const expected = createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest();
  const received = Buffer.from(given.slice(3), 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** A SIEM's HTTP endpoint on loopback (node:http): records every POST and answers as the test says. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiting = new Set<() => void>();
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const notify = () => [...waiting].forEach((w) => w());
  const receiver: Receiver = {
    url: '',
    received,
    answer: () => ({ status: 200 }),
    taken: () => received.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300),
    takenEvents: () => receiver.taken().flatMap((r) => linesOf(r.body)),
    until: (probe) =>
      new Promise((resolve) => {
        const check = () => {
          if (!probe()) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { n: received.length + 1, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: undefined };
      received.push(r);
      const answer = receiver.answer(r);
      if (answer === 'hang') {
        held.add(res);
      } else {
        r.status = answer.status;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end('noted\n');
      }
      notify();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
  return receiver;
}
