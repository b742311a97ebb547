import type { CommandHandler } from '../context.js';
import type { Specs } from '../specs/index.js';

type SubsOf<C extends keyof Specs> = Specs[C]['subcommands'][number];

/** The spec of `/C S`, as declared (`as const`): its args and audience type the handler. */
export type Sub<C extends keyof Specs, S extends SubsOf<C>['name']> = Extract<SubsOf<C>, { name: S }>;

/** One handler for every subcommand of a spec except `help`, each typed by its own spec. */
export type HandlerTable<C extends keyof Specs> = {
  [S in Exclude<SubsOf<C>['name'], 'help'>]: CommandHandler<Sub<C, S>>;
};
