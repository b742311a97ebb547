import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { openStore, StoreUnavailableError } from '../../src/store/index.js';

/**
 * A store that is connected but stops answering (a Redis under a long BGSAVE, a network that drops
 * packets) fails each operation after the deadline in words, instead of holding the command for good.
 * The server here speaks just enough RESP to be connected to, then goes silent on cue.
 */

let silent = false;
/** Each connection, with how many commands it was not answered while silent. */
const sockets = new Map<Socket, number>();

/** Answers what went unanswered (OK, each in turn), so that the client's queue empties and it can close. */
function speakAgain(): void {
  silent = false;
  for (const [socket, owed] of sockets) {
    socket.write('+OK\r\n'.repeat(owed));
    sockets.set(socket, 0);
  }
}

/** Splits complete RESP arrays of bulk strings off the front of `buffer`: the commands in it, and what is left. */
function commands(buffer: string): { done: string[][]; rest: string } {
  const done: string[][] = [];
  let at = 0;
  for (;;) {
    const head = /^\*(\d+)\r\n/.exec(buffer.slice(at));
    if (!head) break;
    let pos = at + head[0].length;
    const args: string[] = [];
    for (let i = 0; i < Number(head[1]); i++) {
      const len = /^\$(\d+)\r\n/.exec(buffer.slice(pos));
      if (!len || buffer.length < pos + len[0].length + Number(len[1]) + 2) return { done, rest: buffer.slice(at) };
      pos += len[0].length;
      args.push(buffer.slice(pos, pos + Number(len[1])));
      pos += Number(len[1]) + 2;
    }
    done.push(args);
    at = pos;
  }
  return { done, rest: buffer.slice(at) };
}

const server: Server = createServer((socket) => {
  sockets.set(socket, 0);
  let pending = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    const { done, rest } = commands(pending + chunk);
    pending = rest;
    if (silent) return void sockets.set(socket, sockets.get(socket)! + done.length);
    // GET answers "2" (the store's layout marker says there is nothing to move); everything else OK.
    for (const [name] of done) socket.write(name?.toUpperCase() === 'GET' ? '$1\r\n2\r\n' : '+OK\r\n');
  });
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
});

afterAll(() => {
  for (const [s] of sockets) s.destroy();
  server.close();
});

it('a Redis that stops answering fails an operation after the deadline, naming it, and the next one too', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const store = await openStore(`redis://127.0.0.1:${port}`, { deadlineMs: 200 });
  try {
    silent = true;
    const first = await store.collection('links').get('slack:U1').catch((err: unknown) => err);
    expect(first).toBeInstanceOf(StoreUnavailableError);
    expect((first as StoreUnavailableError).operation).toBe('get links');
    expect((first as Error).message).toBe('store get links failed: no answer within 200 ms');
    await expect(store.collection('links').values()).rejects.toThrow('store list links failed: no answer within 200 ms');
  } finally {
    // A client closes once its sent commands are answered (node-redis's close waits for its queue).
    speakAgain();
    await store.close();
  }
});
