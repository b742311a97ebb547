import {
  ApplicationCommandOptionType,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { CommandName, type ChatUser, type Invocation, type OptionValue, type Where } from '../../src/core/invocation.js';
import { API_KEY_FIELD, LOGIN_MODAL_ID } from './render.js';

/**
 * What an interaction means to the core, with the interaction it came from (`raw`) to answer it;
 * anything else is `unsupported`, with the reason, and is ignored.
 */
export type ParsedInteraction =
  | { kind: 'command'; raw: ChatInputCommandInteraction; invocation: Extract<Invocation, { kind: 'command' }> }
  | { kind: 'click'; raw: ButtonInteraction; invocation: Extract<Invocation, { kind: 'click' }> }
  | { kind: 'login'; raw: ModalSubmitInteraction; invocation: Extract<Invocation, { kind: 'login' }> }
  | { kind: 'unsupported'; what: string };

/** A DM with the bot has no guild: its "workspace" is `dm`. */
const workspaceOf = (i: Interaction): string => i.guildId ?? 'dm';

function chatUserOf(i: Interaction): ChatUser {
  return { platform: 'discord', workspace: workspaceOf(i), userId: i.user.id, name: i.user.username };
}

function whereOf(i: Interaction): Where {
  return { workspace: workspaceOf(i), channelId: i.channelId ?? 'dm' };
}

/** Turns a discord.js interaction into a core Invocation. Never throws. */
export function parseInteraction(i: Interaction): ParsedInteraction {
  const user = chatUserOf(i);
  // The user's client language goes along with every invocation: the core answers in it unless the member chose one.
  const where = whereOf(i);
  // The interaction id names the delivery, as over HTTP: one dispatched to two gateway clients (or replayed) runs once.
  const locale = { deliveryId: i.id, ...(i.locale ? { locale: i.locale } : {}) };
  if (i.isChatInputCommand()) {
    const command = CommandName.safeParse(i.commandName);
    if (!command.success) return { kind: 'unsupported', what: `command /${i.commandName}` };
    const sub = i.options.data.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
    // Typed options go to the core as they are: a user option becomes the user it names.
    const options: Record<string, OptionValue> = {};
    for (const o of sub?.options ?? []) {
      if (o.user) options[o.name] = { userId: o.user.id, name: o.user.username };
      else if (o.value !== undefined) options[o.name] = o.value;
    }
    return { kind: 'command', raw: i, invocation: { kind: 'command', user, where, ...locale, command: command.data, text: sub?.name ?? '', options } };
  }
  if (i.isButton()) {
    const messageIsPrivate = i.message.flags.has(MessageFlags.Ephemeral);
    return { kind: 'click', raw: i, invocation: { kind: 'click', user, where, ...locale, actionId: i.customId, messageIsPrivate, messageId: i.message.id } };
  }
  if (i.isModalSubmit() && i.customId === LOGIN_MODAL_ID) {
    const field = i.fields.fields.get(API_KEY_FIELD);
    const apiKey = field && 'value' in field && typeof field.value === 'string' ? field.value.trim() : undefined;
    if (apiKey === undefined) return { kind: 'unsupported', what: 'login modal without the key field' };
    return { kind: 'login', raw: i, invocation: { kind: 'login', user, where, ...locale, apiKey } };
  }
  return { kind: 'unsupported', what: `interaction type ${i.type}` };
}
