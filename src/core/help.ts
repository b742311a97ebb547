import { Service, type Actor, type Capabilities } from '../backends/port.js';
import type { CommandName } from './invocation.js';
import { clip, suggestSubcommand, usageLine } from './parser.js';
import { mayRun } from './policy.js';
import { reply, type Reply } from './reply.js';
import { specFor } from './specs/index.js';
import type { SubcommandSpec } from './specs/types.js';

/** What help needs to know of the backend: whether members log in themselves, and the services offered. */
export type HelpBackend = Pick<Capabilities, 'login' | 'services'>;

/**
 * Only what the caller may run; an unlinked caller sees what an unlinked caller can do. Without
 * logins (the embedded registry), login and logout are not offered to members: an admin links them.
 */
export function visibleSubcommands(command: CommandName, actor: Actor | undefined, backend: Pick<Capabilities, 'login'>): SubcommandSpec[] {
  return specFor(command).subcommands.filter(
    (s) => (mayRun(s.who, actor) === 'ok' || (!actor && s.who === 'member')) && !(s.selfLink && !backend.login && actor?.role !== 'admin'),
  );
}

export function helpReply(command: CommandName, actor: Actor | undefined, backend: HelpBackend): Reply {
  const spec = specFor(command);
  const lines = visibleSubcommands(command, actor, backend).map((s) => `\`${usageLine(command, s, backend.services)}\` — ${s.summary}`);
  const footer = actor ? [] : ['You are not linked to a tenant member yet: `/tenant whoami` says how to link.'];
  return reply([`**/${command}**: ${spec.description}`, ...lines, ...footer].join('\n'));
}

export function unknownSubcommandReply(command: CommandName, word: string, actor: Actor | undefined, backend: HelpBackend): Reply {
  const suggestion = suggestSubcommand(specFor(command), word);
  const typed = clip(word);
  const head = suggestion
    ? `\`/${command} ${typed}\` is not a command. Did you mean \`/${command} ${suggestion}\`?`
    : `\`/${command} ${typed}\` is not a command.`;
  const usage = visibleSubcommands(command, actor, backend).map((s) => `  ${usageLine(command, s, backend.services)}`);
  return reply([head, 'Usage:', ...usage].join('\n'));
}

export function badArgsReply(command: CommandName, sub: SubcommandSpec, message: string, services: readonly Service[] = Service.options): Reply {
  const example = sub.examples[0] ? `\nExample: \`${sub.examples[0]}\`` : '';
  // A resource keeps its own spelling (`gpu must be 0 or more`): it is what the user types.
  const first = /^(cpu|gpu|memory)\b/.test(message) ? message : `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  return reply(`${first}.\nUsage: \`${usageLine(command, sub, services)}\`${example}`);
}
