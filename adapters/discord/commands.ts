import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { specTextId } from '../../src/core/i18n/spec-texts.js';
import { translator, type MessageId, type SpecTextId } from '../../src/core/i18n/translator.js';
import { LocaleSetting } from '../../src/core/i18n/locale.js';
import type { ArgSpec, CommandSpec, SubcommandSpec } from '../../src/core/spec.js';
import { assertNever } from '../../src/result.js';

/** The services a deployment offers (`vcs`, `ccs`). */
type Offered = readonly ('vcs' | 'ccs')[];

/** Discord caps descriptions at 100 characters. */
const describe = (s: string): string => (s.length <= 100 ? s : `${s.slice(0, 99)}…`);

const choices = (values: readonly string[]) => values.map((v) => ({ name: v, value: v }));

const zhTW = translator('zh-TW');

/** A description in English (the spec's) with its Traditional Chinese beside it, for Discord clients set to 中文（台灣）. */
const described = (english: string, id: MessageId | SpecTextId) => ({ description: describe(english), description_localizations: { 'zh-TW': describe(zhTW.t(id)) } });

/** The options one argument becomes; a quota becomes three (`cpu`, `gpu`, `memory`), always optional. */
function optionsOfArg(command: string, sub: string, arg: ArgSpec, offered: Offered): APIApplicationCommandBasicOption[] {
  // The option the core adds to every subcommand when it serves several projects has no spec text of its own.
  if (arg.kind === 'project' && sub !== 'project') {
    return [{ name: arg.name, ...described(arg.description, 'discord.option.project'), required: false, type: ApplicationCommandOptionType.String }];
  }
  const base = { name: arg.name, ...described(arg.description, specTextId.arg(command, sub, arg.name)), required: !arg.optional };
  switch (arg.kind) {
    case 'mention':
      return [{ ...base, type: ApplicationCommandOptionType.User }];
    case 'keyId':
    case 'keyIds':
    case 'reason':
    case 'memberName':
    case 'requestId':
      return [{ ...base, type: ApplicationCommandOptionType.String }];
    case 'project':
      return [{ ...base, type: ApplicationCommandOptionType.String }];
    case 'projectAction':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(['bind', 'bind-workspace', 'unbind', 'unbind-workspace', 'approvals']) }];
    case 'days':
    case 'count':
      return [{ ...base, type: ApplicationCommandOptionType.Integer }];
    case 'service':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(offered) }];
    case 'role':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(['admin', 'user']) }];
    case 'onOff':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(['on', 'off']) }];
    case 'language':
      return [{ ...base, type: ApplicationCommandOptionType.String, choices: choices(LocaleSetting.options) }];
    case 'auditExport':
      return [
        { name: arg.name, ...described('Export the audit log as a file, sent to you privately', 'discord.option.export'), type: ApplicationCommandOptionType.Boolean, required: false },
        { name: 'since', ...described('Export from this date (UTC), e.g. 2026-12-01', 'discord.option.since'), type: ApplicationCommandOptionType.String, required: false },
        { name: 'format', ...described('The export file format: jsonl (default) or csv', 'discord.option.format'), type: ApplicationCommandOptionType.String, required: false, choices: choices(['jsonl', 'csv']) },
      ];
    case 'quota':
      return [
        { name: 'cpu', ...described('CPU cores', 'discord.option.cpu'), type: ApplicationCommandOptionType.Integer, required: false, min_value: 0 },
        { name: 'gpu', ...described('GPUs', 'discord.option.gpu'), type: ApplicationCommandOptionType.Integer, required: false, min_value: 0 },
        { name: 'memory', ...described('Memory with a unit: 64G, 65536M', 'discord.option.memory'), type: ApplicationCommandOptionType.String, required: false },
      ];
    default:
      return assertNever(arg.kind);
  }
}

function subcommandOption(command: string, sub: SubcommandSpec, offered: Offered): APIApplicationCommandSubcommandOption {
  const options = sub.args.flatMap((a) => optionsOfArg(command, sub.name, a, offered));
  // Discord rejects a required option after an optional one; the core parses by name, so order is free.
  const ordered = [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
  return { type: ApplicationCommandOptionType.Subcommand, name: sub.name, ...described(sub.summary, specTextId.summary(command, sub.name)), options: ordered };
}

function commandJson(spec: CommandSpec, offered: Offered): RESTPutAPIApplicationCommandsJSONBody[number] {
  return {
    type: ApplicationCommandType.ChatInput,
    name: spec.name,
    ...described(spec.description, specTextId.description(spec.name)),
    options: spec.subcommands.map((s) => subcommandOption(spec.name, s, offered)),
  };
}

/**
 * The application commands (`/apikey`, `/quota`, `/tenant`), generated from the command specs the
 * features declare (their words registered: `commandSpecs()` in src/features/index.ts, or a core's
 * `commands`); `offered` are the deployment's services (a TWCC deployment without TWCC_CCS_SITE
 * offers `vcs` only).
 */
export function buildCommands(specs: readonly CommandSpec[], offered: Offered = ['vcs', 'ccs']): RESTPutAPIApplicationCommandsJSONBody {
  return specs.map((spec) => commandJson(spec, offered));
}
