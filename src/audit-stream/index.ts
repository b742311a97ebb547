import type { Config } from '../config.js';
import { projectStore } from '../core/projects.js';
import type { Sweeper } from '../core/sweeper.js';
import type { Logger } from '../log.js';
import { measureAuditStream } from '../metrics.js';
import type { Store } from '../store/port.js';
import { AuditStream, streamedUpTo, type StreamReport } from './stream.js';
import { AuditWebhook } from './webhook.js';

export interface RunningAuditStream {
  /** For the core's audit log on `store` (a project's): AUDIT_KEEP prunes no entry above it (the last one streamed). */
  floor: (store: Store) => Promise<number>;
  /** Started with the other sweepers; one replica sends each project's log, under that project's `audit-stream` lease. */
  sweepers: Sweeper<StreamReport>[];
}

/**
 * The audit streams main.ts runs when AUDIT_WEBHOOK_URL is set (config.ts requires the secret with it);
 * undefined otherwise. One per project, each on the project's own log and cursor (with one project,
 * the store as it is), to one receiver; each event names its project.
 */
export function auditStreamOf(config: Config, store: Store, logger: Logger, projects: readonly string[]): RunningAuditStream | undefined {
  const { AUDIT_WEBHOOK_URL: url, AUDIT_WEBHOOK_SECRET: secret, AUDIT_WEBHOOK_FORMAT: format } = config;
  if (!url || !secret) return undefined;
  const webhook = new AuditWebhook({ url, secret, format });
  const streams: AuditStream[] = [];
  const observer = measureAuditStream(format, async () => (await Promise.all(streams.map((s) => s.backlog()))).reduce((a, b) => a + b, 0));
  projects.forEach((project, i) => {
    const own = projects.length > 1 ? projectStore(store, project, i === 0) : store;
    streams.push(new AuditStream({ store: own, webhook, format, project, keep: config.AUDIT_KEEP, logger, observer }));
  });
  logger.info({ receiver: webhook.origin, format, projects: projects.length }, 'audit stream: on');
  return { floor: (s) => streamedUpTo(s), sweepers: streams.map((s) => s.sweeper()) };
}
