import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { commandSpecs, type ArgSpec, type CommandSpec, type SubcommandSpec } from '../../src/core/specs/index.js';
import { assertNever } from '../../src/result.js';

/** The services a deployment offers (`vcs`, `ccs`). */
type Offered = readonly ('vcs' | 'ccs')[];

/** Discord caps descriptions at 100 characters. */
const describe = (s: string): string => (s.length <= 100 ? s : `${s.slice(0, 99)}…`);

const choices = (values: readonly string[]) => values.map((v) => ({ name: v, value: v }));

/** The options one argument becomes; a quota becomes three (`cpu`, `gpu`, `memory`), always optional. */
function optionsOfArg(arg: ArgSpec, offered: Offered): APIApplicationCommandBasicOption[] {
  const base = { name: arg.name, description: describe(arg.description), required: !arg.optional };
  switch (arg.kind) {
    case 'mention':
      return [{ ...base, type: ApplicationCommandOptionType.User }];
    case 'keyId':
    case 'keyIds':
    case 'reason':
    case 'memberName':
    case 'requestId':
      return [{ ...base, type: ApplicationCommandOptionType.String }];
    case 'days':
    case 'count':
      return [{ ...base, type: ApplicationCommandOptionType.Integer }];
    case 'service':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(offered) }];
    case 'role':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(['admin', 'user']) }];
    case 'onOff':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(['on', 'off']) }];
    case 'quota':
      return [
        { name: 'cpu', description: 'CPU cores', type: ApplicationCommandOptionType.Integer, required: false, min_value: 0 },
        { name: 'gpu', description: 'GPUs', type: ApplicationCommandOptionType.Integer, required: false, min_value: 0 },
        { name: 'memory', description: 'Memory with a unit: 64G, 65536M', type: ApplicationCommandOptionType.String, required: false },
      ];
    default:
      return assertNever(arg.kind);
  }
}

function subcommandOption(sub: SubcommandSpec, offered: Offered): APIApplicationCommandSubcommandOption {
  const options = sub.args.flatMap((a) => optionsOfArg(a, offered));
  // Discord rejects a required option after an optional one; the core parses by name, so order is free.
  const ordered = [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
  return { type: ApplicationCommandOptionType.Subcommand, name: sub.name, description: describe(sub.summary), options: ordered };
}

function commandJson(spec: CommandSpec, offered: Offered): RESTPutAPIApplicationCommandsJSONBody[number] {
  return {
    type: ApplicationCommandType.ChatInput,
    name: spec.name,
    description: describe(spec.description),
    options: spec.subcommands.map((s) => subcommandOption(s, offered)),
  };
}

/**
 * The application commands `/apikey`, `/quota`, `/tenant`, generated from the core's command specs;
 * `offered` are the deployment's services (a TWCC deployment without TWCC_CCS_SITE offers `vcs` only).
 */
export function buildCommands(specs: readonly CommandSpec[] = commandSpecs, offered: Offered = ['vcs', 'ccs']): RESTPutAPIApplicationCommandsJSONBody {
  return specs.map((spec) => commandJson(spec, offered));
}
