import type { CommandName } from '../invocation.js';
import { apikeySpec } from './apikey.js';
import { quotaSpec } from './quota.js';
import { tenantSpec } from './tenant.js';
import type { CommandSpec } from './types.js';

export type { ArgKind, ArgSpec, Audience, CommandSpec, SubcommandSpec } from './types.js';

/** The declarative source of parsing, help, the Slack manifest and Discord registration. */
export const commandSpecs: readonly CommandSpec[] = [apikeySpec, quotaSpec, tenantSpec];

export function specFor(name: CommandName): CommandSpec {
  const spec = commandSpecs.find((s) => s.name === name);
  if (!spec) throw new Error(`no spec for /${name}`);
  return spec;
}
