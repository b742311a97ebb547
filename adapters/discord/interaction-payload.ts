import { z } from 'zod';
import { CommandName, type ChatUser, type Invocation, type OptionValue, type Where } from '../../src/core/invocation.js';
import { API_KEY_FIELD, LOGIN_MODAL_ID } from './render.js';

/**
 * An HTTP interaction as Discord POSTs it (raw API JSON: no discord.js objects in this mode), read
 * at the edge with zod. Only what the core needs is kept; Discord's other fields pass unread.
 */
const User = z.object({ id: z.string().min(1), username: z.string() });
const CommandOption = z.object({
  name: z.string(),
  type: z.number(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  options: z.array(z.object({ name: z.string(), type: z.number(), value: z.union([z.string(), z.number(), z.boolean()]).optional() })).optional(),
});
const ModalInput = z.object({ custom_id: z.string(), value: z.string().optional() });
/** A modal row: an action row of inputs, or (newer layouts) a label holding one input. */
const ModalRow = z.object({ components: z.array(ModalInput).optional(), component: ModalInput.optional() });

const Common = {
  id: z.string().min(1),
  application_id: z.string(),
  token: z.string().min(1),
  guild_id: z.string().optional(),
  channel_id: z.string().optional(),
  member: z.object({ user: User }).optional(),
  user: User.optional(),
  /** The user's client language (`zh-TW`, `en-US`…); the core picks the reply's language from it. */
  locale: z.string().max(35).optional(),
};

export const InteractionPayload = z.discriminatedUnion('type', [
  z.object({ ...Common, type: z.literal(1) }),
  z.object({
    ...Common,
    type: z.literal(2),
    data: z.object({
      name: z.string(),
      options: z.array(CommandOption).optional(),
      resolved: z.object({ users: z.record(z.string(), User).optional() }).optional(),
    }),
  }),
  z.object({ ...Common, type: z.literal(3), data: z.object({ custom_id: z.string() }), message: z.object({ id: z.string(), flags: z.number().optional() }) }),
  z.object({ ...Common, type: z.literal(4) }),
  z.object({ ...Common, type: z.literal(5), data: z.object({ custom_id: z.string(), components: z.array(ModalRow) }) }),
]);
export type InteractionPayload = z.infer<typeof InteractionPayload>;

export type ParsedPayload =
  | { kind: 'ping' }
  | { kind: 'command' | 'login'; invocation: Extract<Invocation, { kind: 'command' | 'login' }> }
  | { kind: 'click'; invocation: Extract<Invocation, { kind: 'click' }> }
  | { kind: 'unsupported'; what: string };

const EPHEMERAL = 1 << 6;
const USER_OPTION = 6;
const SUBCOMMAND = 1;

/**
 * What an HTTP interaction means to the core; the same invocations the gateway path builds
 * (parse.ts), plus `deliveryId`: the interaction id, so a delivery answered by one replica runs nowhere else.
 */
export function parsePayload(p: InteractionPayload): ParsedPayload {
  if (p.type === 1) return { kind: 'ping' };
  if (p.type === 4) return { kind: 'unsupported', what: 'autocomplete' };
  const who = p.member?.user ?? p.user;
  if (!who) return { kind: 'unsupported', what: 'interaction without a user' };
  const workspace = p.guild_id ?? 'dm';
  const user: ChatUser = { platform: 'discord', workspace, userId: who.id, name: who.username };
  const where: Where = { workspace, channelId: p.channel_id ?? 'dm' };
  const common = { user, where, deliveryId: p.id, ...(p.locale ? { locale: p.locale } : {}) };
  switch (p.type) {
    case 2: {
      const command = CommandName.safeParse(p.data.name);
      if (!command.success) return { kind: 'unsupported', what: `command /${p.data.name}` };
      const sub = p.data.options?.find((o) => o.type === SUBCOMMAND);
      const options: Record<string, OptionValue> = {};
      for (const o of sub?.options ?? []) {
        if (o.value === undefined) continue;
        const named = o.type === USER_OPTION ? p.data.resolved?.users?.[String(o.value)] : undefined;
        options[o.name] = o.type === USER_OPTION ? { userId: String(o.value), ...(named ? { name: named.username } : {}) } : o.value;
      }
      return { kind: 'command', invocation: { kind: 'command', ...common, command: command.data, text: sub?.name ?? '', options } };
    }
    case 3: {
      const messageIsPrivate = ((p.message.flags ?? 0) & EPHEMERAL) !== 0;
      return { kind: 'click', invocation: { kind: 'click', ...common, actionId: p.data.custom_id, messageIsPrivate, messageId: p.message.id } };
    }
    case 5: {
      if (p.data.custom_id !== LOGIN_MODAL_ID) return { kind: 'unsupported', what: `modal ${p.data.custom_id}` };
      const inputs = p.data.components.flatMap((row) => row.components ?? (row.component ? [row.component] : []));
      const apiKey = inputs.find((c) => c.custom_id === API_KEY_FIELD)?.value?.trim();
      if (apiKey === undefined) return { kind: 'unsupported', what: 'login modal without the key field' };
      return { kind: 'login', invocation: { kind: 'login', ...common, apiKey } };
    }
  }
}
