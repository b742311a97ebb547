import { createServer } from 'node:net';
import { startupError, type StartupError } from './problem.js';

/**
 * The PORT problem for a failed listen (EADDRINUSE, EACCES), or undefined for any other error.
 * Also used on the adapter's own listen, should another process take the port after the check.
 */
export function portProblem(err: unknown, port: number): StartupError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return startupError('PORT', `${port} is already in use by another process; stop that process, or set PORT to a free port`);
  if (code === 'EACCES') return startupError('PORT', `${port} needs privileges this process lacks; set PORT to 1024 or above`);
  return undefined;
}

/**
 * Binds PORT the way the HTTP adapters do (every address, `::`) and lets it go at once, so a busy
 * port fails the start before any platform is connected, naming PORT. PORT=0 (any free port)
 * needs no check.
 */
export function checkPortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(portProblem(err, port) ?? err));
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
