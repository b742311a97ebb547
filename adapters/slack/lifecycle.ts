import { z } from 'zod';
import type { InstallationSource } from './distribution.js';

/**
 * `app_uninstalled` and `tokens_revoked`, as the Events API delivers them: which installation, when
 * (`event_time`, whole seconds), and for a revocation, which bot users lost their tokens.
 */
export type LifecycleEvent =
  | { kind: 'uninstalled'; source: InstallationSource; eventTimeMs: number }
  | { kind: 'revoked'; source: InstallationSource; botUserIds: string[]; eventTimeMs: number };

const Authorization = z.object({
  team_id: z.string().nullish(),
  enterprise_id: z.string().nullish(),
  is_enterprise_install: z.boolean().optional(),
});

const Envelope = z.object({
  team_id: z.string().nullish(),
  enterprise_id: z.string().nullish(),
  is_enterprise_install: z.boolean().optional(),
  event_time: z.number().int().nonnegative(),
  authorizations: z.array(Authorization).optional(),
  event: z.object({
    type: z.enum(['app_uninstalled', 'tokens_revoked']),
    tokens: z.object({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }).optional(),
  }),
});

/** The event, or why it is not one (naming the part, never a value). */
export function parseLifecycleEvent(body: unknown): { ok: true; event: LifecycleEvent } | { ok: false; reason: string } {
  const parsed = Envelope.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `bad ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}` };
  const e = parsed.data;
  const auth = e.authorizations?.[0];
  const isEnterpriseInstall = auth?.is_enterprise_install ?? e.is_enterprise_install ?? false;
  const teamId = auth?.team_id ?? e.team_id ?? undefined;
  const enterpriseId = auth?.enterprise_id ?? e.enterprise_id ?? undefined;
  if (isEnterpriseInstall ? !enterpriseId : !teamId) return { ok: false, reason: isEnterpriseInstall ? 'no enterprise_id' : 'no team_id' };
  const source: InstallationSource = { teamId, enterpriseId, isEnterpriseInstall };
  const eventTimeMs = e.event_time * 1000;
  if (e.event.type === 'app_uninstalled') return { ok: true, event: { kind: 'uninstalled', source, eventTimeMs } };
  return { ok: true, event: { kind: 'revoked', source, botUserIds: e.event.tokens?.bot ?? [], eventTimeMs } };
}
