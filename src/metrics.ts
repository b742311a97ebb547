import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Middleware } from './core/middleware.js';

/** One registry per process, served at GET /metrics. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });

export const invocationsTotal = new Counter({
  name: 'chatops_invocations_total',
  help: 'Invocations handled by the core, by platform, kind and outcome',
  labelNames: ['platform', 'kind', 'outcome'] as const,
  registers: [metrics],
});

export const invocationSeconds = new Histogram({
  name: 'chatops_invocation_seconds',
  help: 'Time the core took to answer an invocation',
  labelNames: ['platform', 'kind'] as const,
  buckets: [0.005, 0.02, 0.1, 0.5, 1, 3, 10],
  registers: [metrics],
});

const remindersTotal = new Counter({
  name: 'chatops_reminders_total',
  help: 'Key-expiry reminder DMs, by outcome: sent, or failed (tried again at the next sweep)',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

const countOf = (report: object, field: string): number => {
  const n: unknown = (report as Record<string, unknown>)[field];
  return typeof n === 'number' ? n : 0;
};

/** What the approval sweep did to waiting approval requests (src/features/approvals/sweep.ts). */
const approvalEventsTotal = new Counter({
  name: 'chatops_approval_events_total',
  help: 'Waiting approval requests the approval sweep expired, reminded approvers of, or escalated; and steps that failed (tried again)',
  labelNames: ['event'] as const,
  registers: [metrics],
});

/** The grant sweep's reverts (src/features/grants/sweep.ts). */
const grantRevertsTotal = new Counter({
  name: 'chatops_grant_reverts_total',
  help: 'Time-bound and break-glass grants ended by the grant sweep, by outcome: reverted, or failed (reported, tried again)',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

/** Which fields of a sweep's report each counter counts, and the label each field becomes. */
const SWEEP_COUNTS: Record<string, { counter: Counter<string>; label: string; fields: readonly string[] }> = {
  reminder: { counter: remindersTotal as Counter<string>, label: 'outcome', fields: ['sent', 'failed'] },
  approval: { counter: approvalEventsTotal as Counter<string>, label: 'event', fields: ['expired', 'reminded', 'escalated', 'failed'] },
  grant: { counter: grantRevertsTotal as Counter<string>, label: 'outcome', fields: ['reverted', 'failed'] },
};

/** Counts what a sweep reported (the reminder, approval and grant sweeps; others have no counters). */
export function countSweep(report: object, sweep: string): void {
  const counts = SWEEP_COUNTS[sweep];
  if (!counts) return;
  for (const field of counts.fields) {
    const n = countOf(report, field);
    if (n > 0) counts.counter.inc({ [counts.label]: field }, n);
  }
}

/** Counts and times every invocation in the core, whichever adapter (the shell too) it came from. */
export const measureInvocations: Middleware = async (inv, next) => {
  const labels = { platform: inv.user.platform, kind: inv.kind };
  const end = invocationSeconds.startTimer(labels);
  const outcome = await next();
  end();
  invocationsTotal.inc({ ...labels, outcome: outcome.kind });
  return outcome;
};

/** Reads the audit stream's backlog at each scrape (set by main.ts when AUDIT_WEBHOOK_URL is set). */
let auditBacklog: (() => Promise<number>) | undefined;
let auditStreamFormat = 'jsonl';

new Gauge({
  name: 'chatops_audit_stream_backlog',
  help: 'Audit entries not yet taken by the SIEM receiver (the log top less the stream cursor), read from the store at each scrape',
  labelNames: ['format'] as const,
  registers: [metrics],
  async collect() {
    if (!auditBacklog) return;
    this.set({ format: auditStreamFormat }, await auditBacklog().catch(() => Number.NaN));
  },
});
const auditStreamDelivered = new Counter({
  name: 'chatops_audit_stream_delivered_total',
  help: 'Audit entries the SIEM receiver took (answered 2xx), by format',
  labelNames: ['format'] as const,
  registers: [metrics],
});

const auditStreamFailures = new Counter({
  name: 'chatops_audit_stream_failures_total',
  help: 'Audit batches the SIEM receiver did not take (each is sent again), by reason',
  labelNames: ['reason'] as const,
  registers: [metrics],
});

/** The audit stream's metrics: its backlog (read at each scrape, on every replica) and the observer its sender reports to. */
export function measureAuditStream(format: string, backlog: () => Promise<number>): { delivered(n: number): void; failed(reason: string): void } {
  auditStreamFormat = format;
  auditBacklog = backlog;
  return {
    delivered: (n) => auditStreamDelivered.inc({ format }, n),
    failed: (reason) => auditStreamFailures.inc({ reason }),
  };
}
