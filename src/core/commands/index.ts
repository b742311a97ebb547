import type { CommandHandler } from '../context.js';
import type { CommandName } from '../invocation.js';
import { apikeyHandlers } from './apikey.js';
import { quotaHandlers } from './quota.js';
import { tenantHandlers } from './tenant.js';
import type { HandlerTable } from './types.js';

/** One handler per subcommand of each spec, typed by it: a missing one does not compile. */
export const commandHandlers: { [C in CommandName]: HandlerTable<C> } = {
  apikey: apikeyHandlers,
  quota: quotaHandlers,
  tenant: tenantHandlers,
};

/**
 * The handler of `/command sub`, its argument and actor types erased: the dispatcher has checked the
 * caller against the spec's audience and parsed the arguments by the same spec the handler is typed by.
 */
export function handlerFor(command: CommandName, sub: string): CommandHandler | undefined {
  const table = commandHandlers[command] as unknown as Record<string, CommandHandler | undefined>;
  return table[sub];
}
