import type { Config } from '../config.js';
import type { Sweeper } from '../core/sweeper.js';
import type { Logger } from '../log.js';
import { measureAuditStream } from '../metrics.js';
import type { Store } from '../store/port.js';
import { AuditStream, streamedUpTo, type StreamReport } from './stream.js';
import { AuditWebhook } from './webhook.js';

export interface RunningAuditStream {
  /** For the core's audit log: AUDIT_KEEP prunes no entry above it (the last one streamed). */
  floor: () => Promise<number>;
  /** Started with the other sweepers; one replica sends, under the `audit-stream` lease. */
  sweeper: Sweeper<StreamReport>;
}

/** The audit stream main.ts runs when AUDIT_WEBHOOK_URL is set (config.ts requires the secret with it); undefined otherwise. */
/** `project` is the one the core's audit log names in its events (the log lines, the export). */
export function auditStreamOf(config: Config, store: Store, logger: Logger, project: string): RunningAuditStream | undefined {
  const { AUDIT_WEBHOOK_URL: url, AUDIT_WEBHOOK_SECRET: secret, AUDIT_WEBHOOK_FORMAT: format } = config;
  if (!url || !secret) return undefined;
  const webhook = new AuditWebhook({ url, secret, format });
  const stream: AuditStream = new AuditStream({
    store,
    webhook,
    format,
    project,
    keep: config.AUDIT_KEEP,
    logger,
    observer: measureAuditStream(format, (): Promise<number> => stream.backlog()),
  });
  logger.info({ receiver: webhook.origin, format }, 'audit stream: on');
  return { floor: () => streamedUpTo(store), sweeper: stream.sweeper() };
}
