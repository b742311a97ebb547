import type { z } from 'zod';
import type { Actor } from '../../backends/port.js';
import type { Services } from '../services.js';
import type { Translator } from '../i18n/translator.js';
import type { ChatUser, Where } from '../invocation.js';
import type { PendingAction, PendingStatus } from './pending.js';

/** What a flow action's code gets when the deciding click comes. */
export interface FlowContext<A, Id extends string = never> {
  services: Services;
  /** Who clicked, resolved again at the click (authorization is checked again at execution). */
  actor: Actor;
  user: ChatUser;
  where: Where;
  pending: PendingAction;
  args: A;
  /**
   * The words of what `execute` returns: the clicker's on a confirmation (it is their own card), the
   * card's language on an approval (the note is added to the card).
   */
  t: Translator<Id>;
}

/** An irreversible action its requester confirms with a click. */
export interface ConfirmAction<A, Id extends string = never> {
  flow: 'confirm';
  args: z.ZodType<A>;
  /** What the card says after Cancel. */
  cancelled(t: Translator<Id>): string;
  /** Runs on the requester's confirming click; the text replaces the card. */
  execute(ctx: FlowContext<A, Id>): Promise<string>;
}

/** A change a second admin approves or rejects in a channel. */
export interface ApprovalAction<A, Id extends string = never> {
  flow: 'approval';
  args: z.ZodType<A>;
  /** What `action.rejected`, `action.expired` are audited as: `quota`. */
  auditPrefix: string;
  /** What the audit log names as the target of the decision: `alice/vcs`. */
  auditTarget(args: A): string;
  /** The card's body, the same before and after the decision. */
  describe(t: Translator<Id>, pending: PendingAction, args: A): string;
  /** One line for the requester's private notice: `VCS quota request x (gpu 1 → 4)`. */
  summary(t: Translator<Id>, pending: PendingAction, args: A): string;
  /** Runs on an approving click by a second admin. */
  execute(ctx: FlowContext<A, Id>, approvedBy: string): Promise<{ status: Extract<PendingStatus, 'approved' | 'applied' | 'failed'>; note: string }>;
}

/** A flow action with its argument type erased: its arguments are checked by its own schema on each use. */
export type FlowAction =
  | { flow: 'confirm'; cancelled(t: Translator<string>): string; execute(ctx: FlowContext<unknown, string>): Promise<string> }
  | {
      flow: 'approval';
      auditPrefix: string;
      auditTarget(pending: PendingAction): string;
      describe(t: Translator<string>, pending: PendingAction): string;
      summary(t: Translator<string>, pending: PendingAction): string;
      execute(ctx: FlowContext<unknown, string>, approvedBy: string): ReturnType<ApprovalAction<unknown>['execute']>;
    };

/** Stored arguments that no longer fit their action's schema are a bug or tampering: fail loudly. */
const argsOf = <A>(schema: z.ZodType<A>, raw: unknown): A => schema.parse(raw);

export function confirmFlow<A, Id extends string>(a: ConfirmAction<A, Id>): Extract<FlowAction, { flow: 'confirm' }> {
  return { flow: 'confirm', cancelled: (t) => a.cancelled(t), execute: (ctx) => a.execute({ ...ctx, args: argsOf(a.args, ctx.args) }) };
}

export function approvalFlow<A, Id extends string>(a: ApprovalAction<A, Id>): Extract<FlowAction, { flow: 'approval' }> {
  return {
    flow: 'approval',
    auditPrefix: a.auditPrefix,
    auditTarget: (p) => a.auditTarget(argsOf(a.args, p.args)),
    describe: (t, p) => a.describe(t, p, argsOf(a.args, p.args)),
    summary: (t, p) => a.summary(t, p, argsOf(a.args, p.args)),
    execute: (ctx, by) => a.execute({ ...ctx, args: argsOf(a.args, ctx.args) }, by),
  };
}
