import { Service, type Actor } from '../backends/port.js';
import type { CommandName } from './invocation.js';
import { suggestSubcommand, usageLine } from './parser.js';
import { mayRun } from './policy.js';
import { reply, type Reply } from './reply.js';
import { specFor } from './specs/index.js';
import type { SubcommandSpec } from './specs/types.js';

/** Only what the caller may run; an unlinked caller sees what an unlinked caller can do. */
export function visibleSubcommands(command: CommandName, actor: Actor | undefined): SubcommandSpec[] {
  return specFor(command).subcommands.filter((s) => mayRun(s.who, actor) === 'ok' || (!actor && s.who === 'member'));
}

export function helpReply(command: CommandName, actor: Actor | undefined, services: readonly Service[] = Service.options): Reply {
  const spec = specFor(command);
  const lines = visibleSubcommands(command, actor).map((s) => `\`${usageLine(command, s, services)}\` — ${s.summary}`);
  const footer = actor ? [] : ['You are not linked to a tenant member yet: `/tenant whoami` says how to link.'];
  return reply([`**/${command}**: ${spec.description}`, ...lines, ...footer].join('\n'));
}

export function unknownSubcommandReply(command: CommandName, word: string, actor: Actor | undefined, services: readonly Service[] = Service.options): Reply {
  const suggestion = suggestSubcommand(specFor(command), word);
  const head = suggestion
    ? `\`/${command} ${word}\` is not a command. Did you mean \`/${command} ${suggestion}\`?`
    : `\`/${command} ${word}\` is not a command.`;
  const usage = visibleSubcommands(command, actor).map((s) => `  ${usageLine(command, s, services)}`);
  return reply([head, 'Usage:', ...usage].join('\n'));
}

export function badArgsReply(command: CommandName, sub: SubcommandSpec, message: string, services: readonly Service[] = Service.options): Reply {
  const example = sub.examples[0] ? `\nExample: \`${sub.examples[0]}\`` : '';
  return reply(`${message.charAt(0).toUpperCase()}${message.slice(1)}.\nUsage: \`${usageLine(command, sub, services)}\`${example}`);
}
