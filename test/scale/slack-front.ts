import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One origin for everything Slack-side, as the bot expects (it posts to a response_url only on the
 * origin of SLACK_API_URL): requests are passed to the fake Slack, except `/respond/slow…`, which
 * is held `holdMs` before it is taken (and, while the test holds them, until it lets them go), so
 * that a replica's answer is still in flight when it stops.
 */
export interface SlackFront {
  readonly url: string;
  /** Bodies of the held answers, once taken. */
  held(): string[];
  /** From now until the returned function is called, `/respond/slow…` answers are not taken. */
  holdSlow(): () => void;
  stop(): Promise<void>;
}

export async function startSlackFront(fakeUrl: string, holdMs = 800): Promise<SlackFront> {
  const held: string[] = [];
  let gate: Promise<void> | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.url ?? '').startsWith('/respond/slow')) {
        const waiting = gate;
        setTimeout(() => {
          void (waiting ?? Promise.resolve()).then(() => {
            held.push(body.toString('utf8'));
            res.writeHead(200).end('ok');
          });
        }, holdMs);
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'authorization']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
      fetch(`${fakeUrl}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body } : {}) }).then(
        async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
        (err: unknown) => res.writeHead(502).end(String(err)),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held,
    holdSlow: () => {
      let open!: () => void;
      gate = new Promise<void>((done) => (open = done));
      return () => {
        gate = undefined;
        open();
      };
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}
