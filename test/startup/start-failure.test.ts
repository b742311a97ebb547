import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterEach, expect, test } from 'vitest';
import { describeStartFailure } from '../../src/startup/start-failure.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

// Should another process take PORT between the check and the adapter's own listen, the adapter's
// EADDRINUSE still reaches the operator as a PORT line, not as `listen EADDRINUSE :::31802`.
test("an adapter's listen on a port taken after the check is reported as PORT", async () => {
  const first = createServer().listen(0);
  servers.push(first);
  await once(first, 'listening');
  const port = (first.address() as { port: number }).port;
  const second = createServer().listen(port);
  const [err] = (await once(second, 'error')) as [Error];

  expect(describeStartFailure(err)).toEqual([`PORT: ${port} is already in use by another process; stop that process, or set PORT to a free port`]);
});

test('any other start failure keeps its own message', () => {
  expect(describeStartFailure(new Error('discord login failed: An invalid token was provided.'))).toEqual(['discord login failed: An invalid token was provided.']);
});
