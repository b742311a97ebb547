import { summarizeError, type Logger } from '../log.js';

/** With its stack: nothing else says where a failure nobody caught came from. Logged as `error`, not `err`, whose pino serializer would print every field. */
const summarize = (err: unknown) => summarizeError(err, { stack: true });

/**
 * Fatal: a server lost its port (a listen error nobody handled), so the process could no longer take
 * requests; staying up would hide the outage behind a live PID. Anything else failed one request.
 */
function isFatal(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.syscall === 'listen';
}

/**
 * One request's failure must not end the process: a rejection nobody awaited, or an exception
 * thrown from a callback (a malformed payload inside an SDK), is logged and the bot keeps serving.
 * A fatal error is logged, then the process exits with 1.
 */
export function installProcessGuards(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ error: summarize(reason) }, 'unhandled rejection; still serving');
  });
  process.on('uncaughtException', (err) => {
    if (!isFatal(err)) {
      logger.error({ error: summarize(err) }, 'uncaught exception; still serving');
      return;
    }
    logger.fatal({ error: summarize(err) }, 'fatal error; exiting');
    process.exit(1);
  });
}
