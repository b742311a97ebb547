import { specsByName, type Specs } from '../specs/index.js';

type SubOf<C extends keyof Specs> = Specs[C]['subcommands'][number];
type ArgIds<C extends string, S> = S extends { name: infer N extends string; args: readonly (infer A)[] }
  ? `spec.${C}.${N}.summary` | (A extends { name: infer AN extends string } ? `spec.${C}.${N}.arg.${AN}` : never)
  : never;

/**
 * The id of every text a command spec carries, derived from the `as const` specs: a new subcommand
 * or argument is a new id, which the zh-TW catalog must then word (a type error otherwise).
 */
export type SpecMessageId = { [C in keyof Specs]: `spec.${C}.description` | ArgIds<C, SubOf<C>> }[keyof Specs];

/** The specs' English texts as catalog entries: the specs stay their one source (the Slack manifest reads them too). */
export function specMessages(): Record<SpecMessageId, string> {
  const out: Record<string, string> = {};
  for (const spec of Object.values(specsByName)) {
    out[`spec.${spec.name}.description`] = spec.description;
    for (const sub of spec.subcommands) {
      out[`spec.${spec.name}.${sub.name}.summary`] = sub.summary;
      for (const arg of sub.args) out[`spec.${spec.name}.${sub.name}.arg.${arg.name}`] = arg.description;
    }
  }
  return out as Record<SpecMessageId, string>;
}

/** The id of a spec text, for a spec met at run time (its id exists: every spec text is in the catalogs). */
export const specTextId = {
  description: (command: string) => `spec.${command}.description` as SpecMessageId,
  summary: (command: string, sub: string) => `spec.${command}.${sub}.summary` as SpecMessageId,
  arg: (command: string, sub: string, arg: string) => `spec.${command}.${sub}.arg.${arg}` as SpecMessageId,
};
