import type { CommandHandler, Feature, LoginHandler, Services } from './feature.js';
import type { Listeners } from './events.js';
import type { FlowAction } from './flows/actions.js';
import { addMessages } from './i18n/messages.js';
import { specTexts } from './i18n/spec-texts.js';
import type { CommandSpec, SubcommandSpec } from './spec.js';
import type { Sweep } from './sweeper.js';

/** A registered command: its spec (with the subcommands other features add) and its handlers. */
export interface RegisteredCommand {
  spec: CommandSpec;
  handlers: ReadonlyMap<string, CommandHandler<SubcommandSpec, string>>;
}

/** Everything the features bring, checked and merged: what the core dispatches on. */
export interface Registry {
  /** Every command, in the features' order: help, the Slack manifest and Discord's registration come from these. */
  specs: CommandSpec[];
  commands: ReadonlyMap<string, RegisteredCommand>;
  flows: ReadonlyMap<string, FlowAction>;
  sweeps: Sweep<Services>[];
  listeners: Listeners<Services>[];
  login: LoginHandler | undefined;
}

/**
 * Takes in every feature's commands, flows, sweeps, listeners and words. Two features claiming one
 * name, a subcommand without a handler, or a spec `flow` without its action is a bug: it throws at
 * start, not at the first click.
 */
export function registerFeatures(features: readonly Feature[]): Registry {
  const commands = new Map<string, RegisteredCommand>();
  const flows = new Map<string, FlowAction>();
  const sweeps: Sweep<Services>[] = [];
  const extensions: { command: string; subcommands: readonly SubcommandSpec[]; handlers: Record<string, CommandHandler<SubcommandSpec, string>> }[] = [];
  for (const feature of features) {
    if (feature.messages) addMessages(feature.messages);
    for (const { spec, handlers } of feature.commands ?? []) {
      if ('extends' in spec) {
        extensions.push({ command: spec.extends, subcommands: spec.subcommands, handlers });
        continue;
      }
      if (commands.has(spec.name)) throw new Error(`/${spec.name} is registered twice`);
      commands.set(spec.name, { spec, handlers: new Map(Object.entries(handlers)) });
    }
    for (const [name, action] of Object.entries(feature.flows ?? {})) {
      if (flows.has(name)) throw new Error(`flow ${name} is registered twice`);
      flows.set(name, action);
    }
    sweeps.push(...((feature.sweeps ?? []) as Sweep<Services>[]));
  }
  for (const ext of extensions) {
    const base = commands.get(ext.command);
    if (!base) throw new Error(`subcommands for /${ext.command}, which no feature declares`);
    // Added subcommands come before `help`, which stays last in help and usage.
    const subs = base.spec.subcommands.filter((s) => s.name !== 'help');
    const help = base.spec.subcommands.filter((s) => s.name === 'help');
    const spec = { ...base.spec, subcommands: [...subs, ...ext.subcommands, ...help] };
    commands.set(ext.command, { spec, handlers: new Map([...base.handlers, ...Object.entries(ext.handlers)]) });
  }
  for (const { spec, handlers } of commands.values()) {
    addMessages({ en: specTexts(spec.name, spec.subcommands, spec), 'zh-TW': {} });
    for (const sub of spec.subcommands) {
      if (sub.name !== 'help' && !handlers.has(sub.name)) throw new Error(`no handler for /${spec.name} ${sub.name}`);
      if (sub.flow && !flows.has(`${spec.name}.${sub.name}`)) throw new Error(`no flow action for /${spec.name} ${sub.name}`);
    }
  }
  return {
    specs: [...commands.values()].map((c) => c.spec),
    commands,
    flows,
    sweeps,
    listeners: features.flatMap((f) => (f.on ? [f.on] : [])),
    login: features.find((f) => f.login)?.login,
  };
}
