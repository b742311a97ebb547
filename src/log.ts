import { pino, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger } from 'pino';

/** `json`: one JSON object a line, for log collectors; `pretty`: coloured lines for a person. */
export type LogFormat = 'json' | 'pretty';

/** Field names whose values are secrets wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'headers.authorization',
  '*.headers.authorization',
  'reply',
  '*.reply',
];

/**
 * The process logger, secrets redacted: JSON lines on stderr by default (stdout belongs to the shell
 * adapter). `pretty` formats each line after redaction, synchronously, so nothing is lost on exit.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr, format: LogFormat = 'json'): Logger {
  const out = format === 'pretty' ? prettyStream(destination) : destination;
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, out as never);
}

/** A log file, appended to (its folder is created), written synchronously. */
export function logFile(path: string): NodeJS.WritableStream {
  return pino.destination({ dest: path, mkdir: true, append: true, sync: true }) as unknown as NodeJS.WritableStream;
}

function prettyStream(destination: NodeJS.WritableStream): { write(line: string): void } {
  const colorize = (destination as { isTTY?: boolean }).isTTY === true;
  const format = prettyFactory({ colorize, translateTime: 'SYS:standard', ignore: 'pid,hostname' });
  return { write: (line: string) => void destination.write(format(line)) };
}

/** What may be logged of a thrown value; see summarizeError. */
export interface ErrorSummary {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
}

/**
 * Name, message, code and (when asked) stack only: an error's other fields may hold a request, its
 * body and its token (an SDK's error carries them). Log it as `error` or `err` with this shape, never
 * the error itself, whose serializer would print every field. A `code` that is not a string or a
 * number is dropped: it is no code, and could be anything.
 */
export function summarizeError(err: unknown, opts: { stack?: boolean } = {}): ErrorSummary {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(opts.stack && err.stack ? { stack: err.stack } : {}),
  };
}

/** For cores built without a logger (tests, tools). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
