import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionReplyOptions,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Outcome } from '../../src/core/outcome.js';
import { reply as textReply, type Reply } from '../../src/core/reply.js';
import { assertNever, settledWithin } from '../../src/result.js';
import type { InteractionWebhooks } from './interaction-webhooks.js';
import { isPrivate, renderLoginModal, renderReply } from './render.js';

/**
 * Discord drops an interaction not answered within 3 s. We wait this long for the core, answer
 * directly if it is done (right visibility, or a modal), and otherwise defer and edit later. The
 * margin covers gateway delivery and the callback's own round trip.
 */
export const DEFAULT_ACK_WITHIN_MS = 1_000;

/** On stop, answers in flight get this long to finish before the adapter closes, unless the caller says otherwise. */
export const DEFAULT_STOP_GRACE_MS = 5_000;

/** The outcome if the core settles within `ms` (its failure thrown), else undefined (the promise keeps running). */
export async function outcomeWithin<T>(pending: Promise<T>, ms: number): Promise<T | undefined> {
  const settled = await settledWithin(pending, ms);
  if (settled && !settled.ok) throw settled.error;
  return settled?.value;
}

/** A modal can only open as the first answer to a command; past that, the user is asked to run it again. */
export function replyOf(outcome: Outcome): Reply {
  switch (outcome.kind) {
    case 'reply':
      return outcome.reply;
    case 'login-modal':
      return textReply(outcome.again ?? `${outcome.title}: run \`/tenant login\` again to enter your key.`);
    case 'duplicate':
      throw new Error('a duplicate delivery has no reply');
    default:
      return assertNever(outcome);
  }
}

const privately = (r: Reply): Pick<InteractionReplyOptions, 'flags'> => (isPrivate(r) ? { flags: MessageFlags.Ephemeral } : {});

/** A reply as an interaction webhook's body: nobody is pinged (the client's allowedMentions do not reach these calls). */
export const webhookBody = (r: Reply) => ({ ...renderReply(r), allowed_mentions: { parse: [] } });

/** A message posted through the interaction's webhook: ephemeral when the reply is private. */
export const followUpBody = (r: Reply) => ({ ...webhookBody(r), ...(isPrivate(r) ? { flags: MessageFlags.Ephemeral } : {}) });

/**
 * A slash command or the login modal's submit. Fast: one reply (ephemeral unless the core says
 * `channel`; a secret always ephemeral) or the login modal. Slow: an ephemeral defer, then
 * edit of the original answer through the interaction's webhook (interaction-webhooks.ts). Discord
 * fixes visibility at the defer, so a late `channel` reply stays private: that errs on the side of
 * secrecy, and no command's own answer is `channel` today.
 */
export async function answerCommand(
  i: ChatInputCommandInteraction | ModalSubmitInteraction,
  pending: Promise<Outcome>,
  ackWithinMs: number,
  webhooks: InteractionWebhooks,
): Promise<void> {
  const early = await outcomeWithin(pending, ackWithinMs);
  if (early) {
    if (early.kind === 'login-modal' && i.isChatInputCommand()) {
      await i.showModal(renderLoginModal(early));
      return;
    }
    const r = replyOf(early);
    await i.reply({ ...renderReply(r), ...privately(r) });
    return;
  }
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  await webhooks.editOriginal(i.token, webhookBody(replyOf(await pending)));
}

/** The core decides (its secret rule has already refused to let a secret replace a public message). */
const mayReplace = (r: Reply): boolean => r.replaceOriginal === true;

/**
 * A button click. An outcome that replaces the card is an in-place `update` (its buttons removed);
 * otherwise, or when the core is slow, `deferUpdate` and then an edit of the original (the clicked
 * message) for a replacement or an ephemeral follow-up for a notice, leaving the card as it was.
 */
export async function answerClick(i: ButtonInteraction, pending: Promise<Outcome>, ackWithinMs: number, webhooks: InteractionWebhooks): Promise<void> {
  const early = await outcomeWithin(pending, ackWithinMs);
  if (early?.kind === 'reply' && mayReplace(early.reply)) {
    await i.update(renderReply(early.reply));
    return;
  }
  await i.deferUpdate();
  const r = replyOf(early ?? (await pending));
  if (mayReplace(r)) await webhooks.editOriginal(i.token, webhookBody(r));
  else await webhooks.followUp(i.token, followUpBody(r));
}
