import type { CommandName } from '../invocation.js';
import { apikeySpec } from './apikey.js';
import { quotaSpec } from './quota.js';
import { tenantSpec } from './tenant.js';
import type { CommandSpec } from './types.js';

export type { ArgKind, ArgSpec, Audience, CommandSpec, FlowKind, SubcommandSpec } from './types.js';

/** The declarative source of parsing, help, handler types, the Slack manifest and Discord registration. */
export const specsByName = { apikey: apikeySpec, quota: quotaSpec, tenant: tenantSpec } as const;
export type Specs = typeof specsByName;

export const commandSpecs: readonly CommandSpec[] = [apikeySpec, quotaSpec, tenantSpec];

export function specFor(name: CommandName): CommandSpec {
  return specsByName[name];
}
