import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, expect, test, vi } from 'vitest';
import { HttpServer, MAX_BODY_BYTES, readBody } from '../../src/http/server.js';
import { silentLogger } from '../../src/log.js';

/** Short enough for a test to wait for; the process's own is 10 s. */
const BODY_READ_MS = 300;

let server: HttpServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.stop();
  server = undefined;
});

/** A server with one POST route that reads its body as the platform routes do (readBody, capped). */
async function serverWithRoute(): Promise<{ port: number; handled: ReturnType<typeof vi.fn> }> {
  server = new HttpServer(0, silentLogger(), { bodyReadMs: BODY_READ_MS });
  const handled = vi.fn();
  server.mount('POST', '/slack/events', async (req, res) => {
    const body = await readBody(req, MAX_BODY_BYTES);
    handled(body?.length);
    res.writeHead(body ? 200 : 413);
    res.end();
  });
  return { port: await server.start(), handled };
}

/** A raw connection that sends `head` (and whatever body part follows) and then nothing more; resolves with what the server sent before it closed. */
async function sendAndStall(port: number, head: string, bodyPart = ''): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  socket.write(head + bodyPart);
  let answer = '';
  socket.on('data', (chunk) => (answer += String(chunk)));
  // The failure bound: a server that never answers fails the test instead of hanging it.
  await Promise.race([once(socket, 'close'), new Promise((_, fail) => setTimeout(() => fail(new Error(`no answer, connection open: ${answer}`)), 5_000))]);
  return answer;
}

const postHead = (contentLength: number) =>
  `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${contentLength}\r\n\r\n`;

test('a body that says it is larger than the cap is refused 413 before a byte of it is read', async () => {
  const { port, handled } = await serverWithRoute();

  const answer = await sendAndStall(port, postHead(MAX_BODY_BYTES + 1));

  expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  expect(answer).toContain('request body too large');
  expect(handled).not.toHaveBeenCalled();
});

test('a body that stops arriving is answered 408 and its connection closed, so it holds nothing', async () => {
  const { port, handled } = await serverWithRoute();

  const answer = await sendAndStall(port, postHead(64 * 1024), 'x'.repeat(32 * 1024));

  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  expect(answer).toContain('request body not received in time');
  expect(handled).not.toHaveBeenCalled();
});

test('100 unfinished bodies are all answered 408 and closed; the server then serves a whole one', async () => {
  const { port, handled } = await serverWithRoute();

  const answers = await Promise.all(Array.from({ length: 100 }, () => sendAndStall(port, postHead(512 * 1024), 'x'.repeat(256 * 1024))));

  expect(answers.filter((a) => !a.startsWith('HTTP/1.1 408 '))).toEqual([]);
  const whole = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: 'command=%2Ftenant' });
  expect(whole.status).toBe(200);
  expect(handled.mock.calls).toEqual([[17]]);
});

test('headers that never end are answered 408 as well', async () => {
  await serverWithRoute();

  const answer = await sendAndStall((server as HttpServer).listeningPort, 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');

  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
});
