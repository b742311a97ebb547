import type { CommandSpec, SubcommandSpec } from '../spec.js';
import type { SpecTextId } from './translator.js';

type SubIds<C extends string, S> = S extends { name: infer N extends string; args: readonly (infer A)[] }
  ? `spec.${C}.${N}.summary` | (A extends { name: infer AN extends string } ? `spec.${C}.${N}.arg.${AN}` : never)
  : never;

/**
 * The id of every text a command spec carries, derived from the `as const` spec: a new subcommand or
 * argument is a new id, which the feature's zh-TW catalog must then word (a type error otherwise).
 */
export type SpecTextIds<S> = S extends { name: infer C extends string; subcommands: readonly (infer Sub)[] }
  ? `spec.${C}.description` | SubIds<C, Sub>
  : S extends { extends: infer C extends string; subcommands: readonly (infer Sub)[] }
    ? SubIds<C, Sub>
    : never;

/** The id of a spec text, for a spec met at run time (its id exists: every spec text is in the catalogs). */
export const specTextId = {
  description: (command: string): SpecTextId => `spec.${command}.description`,
  summary: (command: string, sub: string): SpecTextId => `spec.${command}.${sub}.summary`,
  arg: (command: string, sub: string, arg: string): SpecTextId => `spec.${command}.${sub}.arg.${arg}`,
};

/** The English texts of one command's subcommands, as catalog entries: the spec stays their one source. */
export function specTexts(command: string, subcommands: readonly SubcommandSpec[], spec?: Pick<CommandSpec, 'description'>): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec) out[specTextId.description(command)] = spec.description;
  for (const sub of subcommands) {
    out[specTextId.summary(command, sub.name)] = sub.summary;
    for (const arg of sub.args) out[specTextId.arg(command, sub.name, arg.name)] = arg.description;
  }
  return out;
}
