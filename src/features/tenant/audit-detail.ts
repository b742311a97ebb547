import type { AuditEntry } from '../../core/audit.js';
import { formatCount, formatMemory } from '../../core/units.js';
import type { Translator } from './messages.js';

/**
 * An audit entry's detail in the reader's words. The record keeps the English (or JSON) it was written
 * with, so old entries read the same; the shapes this bot writes are worded here, and anything else
 * (an error code) is shown as recorded.
 */
export function auditDetail(t: Translator, e: AuditEntry): string {
  const detail = e.detail ?? '';
  const role = (r: string) => t.t('tenant.role', { role: r });
  if (e.action === 'link.created') {
    // `carol as user`, `bob as admin (was bob as user)`: tenant/commands.ts writes it so.
    const m = /^(\S+) as (admin|user)(?: \(was (\S+) as (admin|user)\))?$/.exec(detail);
    if (!m) return detail;
    const now = t.t('tenant.audit.linked', { member: m[1]!, role: role(m[2]!) });
    return m[3] ? t.t('tenant.audit.linkedWas', { now, before: t.t('tenant.audit.linked', { member: m[3], role: role(m[4]!) }) }) : now;
  }
  if (e.action === 'link.login' && e.outcome === 'ok' && /^(admin|user)$/.test(detail)) return role(detail);
  if (e.action === 'key.extended') {
    // `+30d applied → 2027-04-02T…`: apikey/extend.ts.
    const m = /^\+(\d+)d (applied|not_applied|unknown) → (\S+)$/.exec(detail);
    if (!m) return detail;
    const at = Date.parse(m[3]!);
    const expires = Number.isNaN(at) ? t.t('value.unknown') : t.date(at);
    return t.t('tenant.audit.extended', { days: m[1]!, verdict: m[2]!, expires });
  }
  // `{"gpu":4}` (quota.requested) or `applied {"gpu":4}` (quota.applied): quota/commands.ts, quota-change.ts.
  const m = /^(?:(applied|not_applied|unknown) )?(\{.*\})$/.exec(detail);
  if (!m) return detail === 'apply on portal' ? t.t('tenant.audit.applyOnPortal') : detail;
  const values = quotaValues(m[2]!);
  if (values === undefined) return detail;
  return m[1] ? t.t('tenant.audit.quotaVerdict', { verdict: m[1], values }) : values;
}

/** `{"cpu":16,"memory":65536}` → `cpu=16 memory=64G`, as a person types it. */
function quotaValues(json: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const pairs = Object.entries(parsed as Record<string, unknown>).filter((p): p is [string, number] => typeof p[1] === 'number');
  return pairs.map(([k, v]) => `${k}=${k === 'memory' ? formatMemory(v) : formatCount(v)}`).join(' ');
}
