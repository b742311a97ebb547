import type { CommandName } from '../invocation.js';
import type { CommandHandler } from '../services.js';
import { apikeyHandlers } from './apikey.js';
import { quotaHandlers } from './quota.js';
import { tenantHandlers } from './tenant.js';

/** One handler per subcommand of each spec; a test checks that none is missing. */
export const commandHandlers: Record<CommandName, Record<string, CommandHandler>> = {
  apikey: apikeyHandlers,
  quota: quotaHandlers,
  tenant: tenantHandlers,
};
