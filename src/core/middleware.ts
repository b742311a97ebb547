import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import type { ChangeRecord } from './changes.js';
import { codeOf } from '../errors.js';
import { texts, type Translator } from './i18n.js';
import type { Invocation } from './invocation.js';
import { answer, type Outcome, type PostTarget } from './outcome.js';
import { reply, type Reply } from './reply.js';
import type { SubcommandSpec } from './spec.js';

/**
 * What the core knows of one invocation as it runs, made once when it is admitted: the subcommand it
 * names (found once, here, for every middleware and the dispatcher), what it has changed so far, and
 * the reader's words once their locale is resolved.
 */
export interface InvocationState {
  /** For a command: its subcommand, the word typed for it, and the rest of the text. */
  readonly found?: { readonly sub?: SubcommandSpec; readonly word?: string; readonly rest: string };
  readonly changes: ChangeRecord;
  translator?: Translator<string>;
  /** `--project <code>` (or Discord's `project` option), taken off the command before it is parsed; `bad`: not a code. */
  readonly askedProject?: { readonly project?: string; readonly bad?: string };
}

export type Next = () => Promise<Outcome>;
/** One cross-cutting concern around every invocation, whichever adapter it came from. */
export type Middleware = (inv: Invocation, next: Next, state: InvocationState) => Promise<Outcome>;

/**
 * Runs `middleware` in order around `handler`, as Hono's and Bolt's compose do, and as theirs throws
 * when a middleware calls `next()` a second time: the rest of the chain (a deletion) would run twice.
 */
export function compose(
  middleware: readonly Middleware[],
  handler: (inv: Invocation, state: InvocationState) => Promise<Outcome>,
): (inv: Invocation, state: InvocationState) => Promise<Outcome> {
  return (inv, state) => {
    let reached = -1;
    const run = (i: number): Promise<Outcome> => {
      if (i <= reached) return Promise.reject(new Error('next() called multiple times'));
      reached = i;
      const m = middleware[i];
      return m ? m(inv, () => run(i + 1), state) : handler(inv, state);
    };
    return run(0);
  };
}

/**
 * The words for a failure other than a store outage (worded where it is caught). After a change (or a
 * write whose outcome is unknown) it says that part may be done and how to check; before any, that
 * nothing was changed, naming a busy record.
 */
function failureText(t: Translator, err: unknown, ref: string, changed: boolean): string {
  if (changed) return texts.partlyDone(t, ref);
  const code = codeOf(err);
  if (code === 'record_busy') return texts.recordBusy(t, ref);
  return texts.internal(t, ref);
}

/**
 * The one place an unexpected failure becomes an answer: logged once with a reference, answered in
 * words with the same reference, never a stack trace. A store outage is logged once by the store
 * itself, so each invocation it refuses is only noted here, with its reference; and "nothing was
 * changed" is said only when the invocation failed before it could change anything.
 */
export function errorReferences(
  logger: Logger,
  translatorOf: (inv: Invocation, state: InvocationState, storeWorks: boolean) => Promise<Translator>,
): Middleware {
  return async (inv, next, state) => {
    const record = state.changes;
    try {
      return await next();
    } catch (err) {
      const ref = randomBytes(4).toString('hex');
      const where = { ref, kind: inv.kind, platform: inv.user.platform, changed: record.changed };
      if (codeOf(err) === 'store_unavailable') {
        // A store outage is logged once by the store itself; each invocation it stops is only noted here.
        if (!record.changed) {
          logger.info(where, 'invocation refused: the store is unavailable');
          return answer(reply(texts.storeUnavailable(await translatorOf(inv, state, false), ref)));
        }
        logger.warn({ err, ...where }, 'the store failed during an invocation; it may be partly applied');
        return answer(reply(texts.storeUnavailableMidway(await translatorOf(inv, state, false), ref)));
      }
      logger.error({ err, ...where }, 'invocation failed');
      return answer(reply(failureText(await translatorOf(inv, state, true), err, ref, record.changed)));
    }
  };
}

/** A delivered event is claimed before it runs; the same delivery again (a retry, another replica) runs nowhere. */
export const DELIVERY_TTL_MS = 60 * 60 * 1000;

/** A command that changes nothing (its spec says `readOnly`; help for an unknown or missing word too). */
const isReadOnly = (inv: Invocation, state: InvocationState): boolean => inv.kind === 'command' && (!state.found?.sub || state.found.sub.readOnly === true);

/**
 * A delivered event that changes something is claimed before it runs; the same delivery again (a
 * retry, another replica) runs nowhere. A read-only command is not claimed: run twice, it changes
 * nothing, and each delivery's answer goes back to the request that carried it (Slack's ack, Discord's
 * interaction response). Claiming it would cost a durable write per read, and a delivery retried to a
 * second replica after the first one's answer was lost would be answered by neither.
 */
export function deduplicateDeliveries(store: Store, logger: Logger): Middleware {
  return async (inv, next, state) => {
    if (!inv.deliveryId || isReadOnly(inv, state)) return next();
    const lease = await store.claim(`delivery:${inv.user.platform}:${inv.deliveryId}`, DELIVERY_TTL_MS);
    if (!lease) {
      logger.info({ kind: inv.kind, platform: inv.user.platform }, 'delivery already handled; not run again');
      return { kind: 'duplicate' };
    }
    return next();
  };
}

/**
 * The secret rule, for every adapter at once: a reply holding a secret is private (ephemeral, or a
 * DM when asked), and it never replaces a message that is not itself private.
 */
export const keepSecretsPrivate: Middleware = async (inv, next) => {
  const outcome = await next();
  if (outcome.kind !== 'reply' || !outcome.reply.secret) return outcome;
  const r = outcome.reply;
  const replaceable = inv.kind === 'click' && inv.messageIsPrivate === true;
  return answer({ ...r, visibility: r.visibility === 'dm' ? 'dm' : 'ephemeral', replaceOriginal: r.replaceOriginal === true && replaceable });
};

/** The secret rule for posts outside the conversation: a secret goes only to its owner's DM, never a channel. */
export const mayPost = (target: PostTarget, r: Reply): boolean => !r.secret || target.kind === 'dm';

/** Logs each invocation's kind, platform, outcome and time at debug: never its text (it may hold a key). */
export function logInvocations(logger: Logger): Middleware {
  return async (inv, next) => {
    // The line is at debug: at info (production) nothing is timed or built for it.
    if (!logger.isLevelEnabled('debug')) return next();
    const started = performance.now();
    const outcome = await next();
    logger.debug({ kind: inv.kind, platform: inv.user.platform, outcome: outcome.kind, ms: Math.round(performance.now() - started) }, 'invocation');
    return outcome;
  };
}
