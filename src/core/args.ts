import type { QuotaValues, Role, Service } from '../backends/port.js';
import type { LocaleSetting } from './i18n/locale.js';
import type { MentionRef } from './invocation.js';
import type { ProjectAction } from './projects.js';
import type { ArgSpec, Audience, SubcommandSpec } from './spec.js';

/** The value a handler receives for each kind of argument. */
export interface ArgValueByKind {
  mention: MentionRef;
  keyId: string;
  keyIds: string[];
  days: number;
  service: Service;
  quota: QuotaValues;
  reason: string;
  count: number;
  memberName: string;
  role: Role;
  requestId: string;
  onOff: 'on' | 'off';
  language: LocaleSetting;
  project: string;
  projectAction: ProjectAction;
  auditExport: AuditExportArgs;
}

/** `export --since 2026-12-01 --format csv`: from when (epoch ms, UTC), and in which format. */
export interface AuditExportArgs {
  since?: number;
  format: 'jsonl' | 'csv';
}

type ArgValue<A extends ArgSpec> = A extends { optional: true } ? ArgValueByKind[A['kind']] | undefined : ArgValueByKind[A['kind']];

/** A subcommand's arguments, typed from its spec: `{ 'key-id': string; days: number }`. */
export type ArgsOf<S extends SubcommandSpec> = { [A in S['args'][number] as A['name']]: ArgValue<A> };

/** Parsed arguments before the spec gives them their type: only the parser builds these. */
export type UntypedArgs = Record<string, unknown>;

/** Who runs a subcommand decides whether its handler may meet an unlinked caller. */
export type ActorFor<W extends Audience, Actor> = W extends 'anyone' ? Actor | undefined : Actor;
