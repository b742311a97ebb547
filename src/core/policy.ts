import type { Actor } from '../backends/port.js';
import type { Audience } from './spec.js';

/** Who may run a subcommand: checked before parsing, and again when a confirmed action executes. */
export function mayRun(who: Audience, actor: Actor | undefined): 'ok' | 'unlinked' | 'admin-only' {
  if (who === 'anyone') return 'ok';
  if (!actor) return 'unlinked';
  if (who === 'admin' && actor.role !== 'admin') return 'admin-only';
  return 'ok';
}

/** Owner or admin: who may change a key or read a member's keys and quotas. */
export const mayManageMember = (actor: Actor, memberId: string): boolean => actor.role === 'admin' || actor.memberId === memberId;
