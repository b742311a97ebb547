import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { summarizeError, type ErrorSummary, type Logger } from '../../src/log.js';

/** Strings pass through; an error keeps its name, message and code; any other object is named, not printed. */
function describe(parts: unknown[]): { msg: string; err?: ErrorSummary } {
  let err: ErrorSummary | undefined;
  const words = parts.map((p) => {
    if (typeof p === 'string') return p;
    if (typeof p === 'number' || typeof p === 'boolean') return String(p);
    if (p instanceof Error) {
      err = summarizeError(p);
      return '';
    }
    return `[${typeof p}]`;
  });
  return { msg: words.filter(Boolean).join(' '), ...(err ? { err } : {}) };
}

/**
 * Bolt, its WebClient and the Socket Mode client print request and response bodies at debug level
 * (a new key's secret, a login modal's API key), so debug never reaches the log, whatever LOG_LEVEL
 * says; info and above go to pino with objects reduced to their names.
 */
export function boltLogger(log: Logger): BoltLogger {
  let name = 'bolt';
  const emit = (level: 'info' | 'warn' | 'error', parts: unknown[]) => {
    const { msg, err } = describe(parts);
    // `error`, not `err`: pino's err serializer would rename the summary's type to "Object".
    log[level]({ component: name, ...(err ? { error: err } : {}) }, msg);
  };
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => emit('info', parts),
    warn: (...parts: unknown[]) => emit('warn', parts),
    error: (...parts: unknown[]) => emit('error', parts),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: (n: string) => {
      name = n;
    },
  };
}
