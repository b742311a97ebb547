import { Service, type Actor, type Capabilities } from '../backends/port.js';
import { specTextId } from './i18n/spec-texts.js';
import type { Translator, Wording } from './i18n/translator.js';
import { clip, suggestWord, suggestSubcommand, usageLine } from './parser.js';
import { mayRun } from './policy.js';
import { reply, type Reply } from './reply.js';
import type { CommandSpec, SubcommandSpec } from './spec.js';

/** What help needs to know of the backend: whether members log in themselves, and the services offered. */
export type HelpBackend = Pick<Capabilities, 'login' | 'services'>;

/**
 * Only what the caller may run; an unlinked caller sees what an unlinked caller can do. Without
 * logins (the embedded registry), login and logout are not offered to members: an admin links them.
 */
export function visibleSubcommands(spec: CommandSpec, actor: Actor | undefined, backend: Pick<Capabilities, 'login'>): SubcommandSpec[] {
  return spec.subcommands.filter(
    (s) => (mayRun(s.who, actor) === 'ok' || (!actor && s.who === 'member')) && !(s.selfLink && !backend.login && actor?.role !== 'admin'),
  );
}

export function helpReply(t: Translator, spec: CommandSpec, actor: Actor | undefined, backend: HelpBackend): Reply {
  const command = spec.name;
  const lines = visibleSubcommands(spec, actor, backend).map((s) =>
    t.t('help.line', { usage: usageLine(command, s, backend.services), summary: t.t(specTextId.summary(command, s.name)) }),
  );
  const footer = actor ? [] : [t.t('help.unlinked')];
  return reply([t.t('help.head', { command, description: t.t(specTextId.description(command)) }), ...lines, ...footer].join('\n'));
}

export function unknownSubcommandReply(t: Translator, spec: CommandSpec, word: string, actor: Actor | undefined, backend: HelpBackend): Reply {
  const command = spec.name;
  const suggestion = suggestSubcommand(spec, word);
  const typed = clip(word);
  const head = suggestion ? t.t('help.didYouMean', { command, typed, suggestion }) : t.t('help.notACommand', { command, typed });
  const usage = visibleSubcommands(spec, actor, backend).map((s) => `  ${usageLine(command, s, backend.services)}`);
  return reply([head, t.t('help.usage'), ...usage].join('\n'));
}

export function badArgsReply(
  t: Translator,
  command: string,
  sub: SubcommandSpec,
  wording: Wording,
  services: readonly Service[] = Service.options,
): Reply {
  const message = wording(t);
  // `{reason}` in a spec's example is a reason in the reader's language.
  const example = sub.examples[0] ? t.t('help.example', { example: sub.examples[0].replace('{reason}', t.t('help.exampleReason')) }) : '';
  // English starts a sentence with a capital, except a resource, spelled as the user types it (`gpu must be 0 or more`);
  // in Chinese the message may start with an argument name, which keeps its spelling too.
  const first = t.locale !== 'en' || /^(cpu|gpu|memory)\b/.test(message) ? message : `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  return reply(t.t('help.badArgs', { message: first, usage: usageLine(command, sub, services), example }));
}

/** A slash command this bot does not have (`/quta`): the nearest one it has, and the list. */
export function unknownCommandReply(t: Translator, typed: string, commands: readonly CommandSpec[]): Reply {
  const names = commands.map((c) => c.name);
  const suggestion = suggestWord(names, typed);
  const list = names.map((n) => `/${n}`).join(', ');
  return reply(
    suggestion
      ? t.t('help.unknownCommandDidYouMean', { typed: clip(typed), suggestion, commands: list })
      : t.t('help.unknownCommand', { typed: clip(typed), commands: list }),
  );
}
