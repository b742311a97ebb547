import { readFile, rm } from 'node:fs/promises';
import { InteractionResponseType, MessageFlags, type RawFile } from 'discord.js';
import { normalizeLocale, texts, translator } from '../../src/core/i18n.js';
import type { Outcome } from '../../src/core/outcome.js';
import { filesOf, reply as textReply, text, type Reply } from '../../src/core/reply.js';
import type { Logger } from '../../src/log.js';
import { assertNever, settledWithin } from '../../src/result.js';
import type { InteractionWebhooks } from './interaction-webhooks.js';
import { isPrivate, renderLoginModal, renderReply } from './render.js';
import { summarizeDiscordError } from './safe-error.js';

/**
 * Discord drops an interaction not answered within 3 s. We wait this long for the core, answer
 * directly if it is done (right visibility, or a modal), and otherwise defer and edit later. The
 * margin covers gateway delivery and the callback's own round trip.
 */
export const DEFAULT_ACK_WITHIN_MS = 1_000;

/** On stop, answers in flight get this long to finish before the adapter closes, unless the caller says otherwise. */
export const DEFAULT_STOP_GRACE_MS = 5_000;

/** How long a "the bot is restarting" notice may take: the process is about to exit. */
const RESTART_NOTICE_MS = 1_000;

/** The outcome if the core settles within `ms` (its failure thrown), else undefined (the promise keeps running). */
async function outcomeWithin<T>(pending: Promise<T>, ms: number): Promise<T | undefined> {
  const settled = await settledWithin(pending, ms);
  if (settled && !settled.ok) throw settled.error;
  return settled?.value;
}

/** A modal can only open as the first answer to a command; past that, the user is asked to run it again. */
function replyOf(outcome: Exclude<Outcome, { kind: 'duplicate' }>): Reply {
  switch (outcome.kind) {
    case 'reply':
      return outcome.reply;
    case 'login-modal':
      return textReply(outcome.again ?? `${outcome.title}: run \`/tenant login\` again to enter your key.`);
    default:
      return assertNever(outcome);
  }
}

/** Every message body the bot sends pings nobody: the client's allowedMentions reach none of these raw calls. */
const NO_PINGS = { allowed_mentions: { parse: [] as never[] } };

/** A reply as a message body (an interaction webhook's, or a card update's): nobody is pinged. */
const webhookBody = (r: Reply) => ({ ...renderReply(r), ...NO_PINGS });

/** A message posted as the interaction's answer or follow-up: ephemeral when the reply is private. */
const followUpBody = (r: Reply) => ({ ...webhookBody(r), ...(isPrivate(r) ? { flags: MessageFlags.Ephemeral } : {}) });

/**
 * A reply's files as attachments (read from disk; Discord caps an attachment at 10 MiB for a bot, so
 * a file is never larger than that much memory), then the temporary ones deleted whatever happens.
 */
async function withAttachments(r: Reply, send: (files: RawFile[]) => Promise<unknown>): Promise<void> {
  const files = filesOf(r);
  try {
    const raw = await Promise.all(files.map(async (f): Promise<RawFile> => ({ name: f.name, data: await readFile(f.path), contentType: f.contentType })));
    await send(raw);
  } finally {
    await Promise.all(files.filter((f) => f.temporary).map((f) => rm(f.path, { force: true })));
  }
}

/** Discord's answer to attachments past its limit: 413, code 40005 (Request entity too large). */
const tooLarge = (err: unknown): boolean => {
  const e = err as { status?: unknown; code?: unknown };
  return e.status === 413 || e.code === 40005;
};

/** An interaction's first answer, as Discord's callback: the same JSON in an HTTP response or a POST to the callback endpoint. */
export interface InteractionCallback {
  type: InteractionResponseType;
  data?: unknown;
}

/** The interaction being answered, as the policy needs it: what it is, its token (for the webhook) and the user's language. */
export interface AnsweredInteraction {
  kind: 'command' | 'login' | 'click';
  token: string;
  locale?: string | undefined;
}

/** What a transport does with the policy's decision. */
export interface CallbackSender {
  /** Sends the first answer: over HTTP as the response, over the gateway to the callback endpoint. */
  send(callback: InteractionCallback): Promise<void> | void;
  /** The same interaction was delivered again (a retry, another replica, a gateway replay): its first delivery answers, this one does not. */
  duplicate(): Promise<void> | void;
}

export interface AnswerPolicyOptions {
  webhooks: InteractionWebhooks;
  logger: Logger;
  /** How long to wait for the core before deferring. */
  ackWithinMs: number;
  /**
   * A fast click whose answer is a private notice (the card stays as it is): a message as the callback
   * (`reply`, over HTTP), or a deferred update and a follow-up (`deferred-follow-up`, over the gateway).
   * Both show the same notice; each transport's form is pinned by its tests, so it is kept.
   */
  clickNotice: 'reply' | 'deferred-follow-up';
}

interface FirstAnswer {
  callback: InteractionCallback;
  /** The work after a deferred callback: the edit or the follow-up that finishes the answer. */
  later?: () => Promise<void>;
}

/**
 * Discord's answer policy, the one both transports (gateway and HTTP interactions) follow: wait up to
 * `ackWithinMs` for the core; a fast outcome is the callback itself (a message, the card updated in
 * place, the login modal); a slow one is deferred (a command: an ephemeral "thinking"; a click: a
 * deferred update) and finished through the interaction's webhook. A duplicate delivery is not
 * answered here. At stop, work in flight gets its grace, and every deferred answer still open is
 * told, in the user's language, that the bot is restarting and the outcome is unknown.
 */
export class DiscordAnswerPolicy {
  readonly #work = new Set<Promise<unknown>>();
  /** Deferred answers whose edit or follow-up has not finished yet. */
  readonly #open = new Set<AnsweredInteraction>();

  constructor(private readonly opts: AnswerPolicyOptions) {}

  /** Answers one interaction; resolves once its callback is sent (the deferred rest runs on, and stop() waits for it). */
  async answer(interaction: AnsweredInteraction, pending: Promise<Outcome>, sender: CallbackSender): Promise<void> {
    const first = this.#first(interaction, pending, sender);
    this.#track(first);
    await first;
  }

  /** Waits up to `graceMs` for work in flight, then tells each deferred answer still open that the bot is restarting. */
  async stop(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
    // A fast answer's callback can start a deferred edit meanwhile: wait for that too.
    while (this.#work.size > 0) {
      const ended = await Promise.race([Promise.allSettled([...this.#work]).then(() => false as const), graceOver]);
      if (ended) break;
    }
    clearTimeout(timer);
    await this.#tellTheUnanswered();
  }

  async #first(interaction: AnsweredInteraction, pending: Promise<Outcome>, sender: CallbackSender): Promise<void> {
    const early = await outcomeWithin(pending, this.opts.ackWithinMs);
    if (early?.kind === 'duplicate') return sender.duplicate();
    const first = interaction.kind === 'click' ? this.#clickAnswer(interaction, early, pending) : this.#commandAnswer(interaction, early, pending);
    await sender.send(first.callback);
    if (first.later) this.#finishLater(interaction, first.later);
  }

  /** A command or the login modal's submit: a message (or the modal) now, else an ephemeral defer and an edit. */
  #commandAnswer(interaction: AnsweredInteraction, early: Exclude<Outcome, { kind: 'duplicate' }> | undefined, pending: Promise<Outcome>): FirstAnswer {
    const { webhooks } = this.opts;
    if (early?.kind === 'login-modal' && interaction.kind === 'command') return { callback: { type: InteractionResponseType.Modal, data: renderLoginModal(early) } };
    // A reply with a file is always deferred (privately) and finished by an edit that attaches it.
    if (early && filesOf(replyOf(early)).length === 0) {
      return { callback: { type: InteractionResponseType.ChannelMessageWithSource, data: followUpBody(replyOf(early)) } };
    }
    // Discord fixes visibility at the defer, so a late `channel` reply stays private: that errs on the side of secrecy.
    return {
      callback: { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } },
      later: async () => {
        const outcome = await pending;
        if (outcome.kind === 'duplicate') await webhooks.deleteOriginal(interaction.token);
        else {
          const r = replyOf(outcome);
          await withAttachments(r, async (files) => {
            try {
              await webhooks.editOriginal(interaction.token, webhookBody(r), undefined, files);
            } catch (err) {
              if (!tooLarge(err)) throw err;
              // Discord refused the files' size: the answer says so rather than staying "thinking…".
              const t = translator(normalizeLocale(interaction.locale) ?? 'en');
              const said = filesOf(r).map((f) => t.t('discord.fileTooLarge', { name: f.name, size: `${(f.bytes / 1024 / 1024).toFixed(1)} MiB` }));
              await webhooks.editOriginal(interaction.token, webhookBody({ ...r, blocks: [...r.blocks, ...said.map(text)] }));
            }
          });
        }
      },
    };
  }

  /**
   * A click. An outcome that replaces the card is an in-place update (its buttons removed); a notice is
   * private and leaves the card as it was; when the core is slow, a deferred update, then either.
   */
  #clickAnswer(interaction: AnsweredInteraction, early: Exclude<Outcome, { kind: 'duplicate' }> | undefined, pending: Promise<Outcome>): FirstAnswer {
    const { webhooks } = this.opts;
    const finish = async (r: Reply) => {
      if (r.replaceOriginal === true) await webhooks.editOriginal(interaction.token, webhookBody(r));
      else await webhooks.followUp(interaction.token, followUpBody(r));
    };
    const deferred = (later: () => Promise<void>): FirstAnswer => ({ callback: { type: InteractionResponseType.DeferredMessageUpdate }, later });
    if (early) {
      const r = replyOf(early);
      if (r.replaceOriginal === true) return { callback: { type: InteractionResponseType.UpdateMessage, data: webhookBody(r) } };
      if (this.opts.clickNotice === 'reply') return { callback: { type: InteractionResponseType.ChannelMessageWithSource, data: followUpBody(r) } };
      return deferred(() => finish(r));
    }
    return deferred(async () => {
      const outcome = await pending;
      // The click's first delivery answers it.
      if (outcome.kind !== 'duplicate') await finish(replyOf(outcome));
    });
  }

  #finishLater(interaction: AnsweredInteraction, later: () => Promise<void>): void {
    this.#open.add(interaction);
    // Open until it is finished or has failed (then logged): a stop later has no word to add about it.
    const job = later()
      .catch((err: unknown) =>
        this.opts.logger.error({ kind: interaction.kind, discord: summarizeDiscordError(err) }, 'could not finish a deferred discord interaction'),
      )
      .finally(() => this.#open.delete(interaction));
    this.#track(job);
  }

  #track(job: Promise<unknown>): void {
    const settled = job.then(
      () => undefined,
      () => undefined,
    );
    this.#work.add(settled);
    void settled.then(() => this.#work.delete(settled));
  }

  /** A deferred command's "thinking" becomes the notice; a deferred click gets it as a private follow-up (the card is left as it was). */
  async #tellTheUnanswered(): Promise<void> {
    const left = [...this.#open];
    this.#open.clear();
    if (left.length === 0) return;
    const { webhooks, logger } = this.opts;
    logger.warn({ interactions: left.length }, 'stopping with deferred answers open; telling their users');
    await Promise.allSettled(
      left.map(async (interaction) => {
        const notice = textReply(texts.restarting(translator(normalizeLocale(interaction.locale) ?? 'en')));
        const signal = AbortSignal.timeout(RESTART_NOTICE_MS);
        try {
          if (interaction.kind === 'click') await webhooks.followUp(interaction.token, followUpBody(notice), signal);
          else await webhooks.editOriginal(interaction.token, webhookBody(notice), signal);
        } catch (err) {
          logger.warn({ discord: summarizeDiscordError(err) }, 'could not tell a user the bot is restarting');
        }
      }),
    );
  }
}
