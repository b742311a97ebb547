import type { z } from 'zod';
import type { Actor } from '../../backends/port.js';
import type { Services } from '../context.js';
import type { Translator } from '../i18n/translator.js';
import type { ChatUser, Where } from '../invocation.js';
import type { PendingAction, PendingStatus } from './pending.js';
import { deleteKeysAction } from './delete-keys.js';
import { quotaChangeAction } from './quota-change.js';
import { remindAction } from '../reminders/remind-action.js';

/** What a flow action's code gets when the deciding click comes. */
export interface FlowContext<A> {
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
  t: Translator;
}

/** An irreversible action its requester confirms with a click. */
export interface ConfirmAction<A> {
  flow: 'confirm';
  args: z.ZodType<A>;
  /** What the card says after Cancel. */
  cancelled(t: Translator): string;
  /** Runs on the requester's confirming click; the text replaces the card. */
  execute(ctx: FlowContext<A>): Promise<string>;
}

/** A change a second admin approves or rejects in a channel. */
export interface ApprovalAction<A> {
  flow: 'approval';
  args: z.ZodType<A>;
  /** What `action.rejected`, `action.expired` are audited as: `quota`. */
  auditPrefix: string;
  /** What the audit log names as the target of the decision: `alice/vcs`. */
  auditTarget(args: A): string;
  /** The card's body, the same before and after the decision. */
  describe(t: Translator, pending: PendingAction, args: A): string;
  /** One line for the requester's private notice: `VCS quota request x (gpu 1 → 4)`. */
  summary(t: Translator, pending: PendingAction, args: A): string;
  /** Runs on an approving click by a second admin. */
  execute(ctx: FlowContext<A>, approvedBy: string): Promise<{ status: Extract<PendingStatus, 'approved' | 'applied' | 'failed'>; note: string }>;
}

/** A flow action with its argument type erased: its arguments are checked by its own schema on each use. */
export type FlowAction =
  | { flow: 'confirm'; cancelled(t: Translator): string; execute(ctx: FlowContext<unknown>): Promise<string> }
  | {
      flow: 'approval';
      auditPrefix: string;
      auditTarget(pending: PendingAction): string;
      describe(t: Translator, pending: PendingAction): string;
      summary(t: Translator, pending: PendingAction): string;
      execute(ctx: FlowContext<unknown>, approvedBy: string): ReturnType<ApprovalAction<unknown>['execute']>;
    };

/** Stored arguments that no longer fit their action's schema are a bug or tampering: fail loudly. */
const argsOf = <A>(schema: z.ZodType<A>, raw: unknown): A => schema.parse(raw);

export function confirmFlow<A>(a: ConfirmAction<A>): FlowAction {
  return { flow: 'confirm', cancelled: a.cancelled, execute: (ctx) => a.execute({ ...ctx, args: argsOf(a.args, ctx.args) }) };
}

export function approvalFlow<A>(a: ApprovalAction<A>): FlowAction {
  return {
    flow: 'approval',
    auditPrefix: a.auditPrefix,
    auditTarget: (p) => a.auditTarget(argsOf(a.args, p.args)),
    describe: (t, p) => a.describe(t, p, argsOf(a.args, p.args)),
    summary: (t, p) => a.summary(t, p, argsOf(a.args, p.args)),
    execute: (ctx, by) => a.execute({ ...ctx, args: argsOf(a.args, ctx.args) }, by),
  };
}

/**
 * Every flow a subcommand can start, keyed `command.subcommand`; a spec's `flow` names the kind, and a
 * test checks that each spec with a flow has its action here. Adding one is a spec entry and an entry here.
 */
export const flowActions: Record<string, FlowAction> = {
  'apikey.delete': confirmFlow(deleteKeysAction),
  'quota.set': approvalFlow(quotaChangeAction),
  'quota.request': approvalFlow(quotaChangeAction),
  'apikey.remind': confirmFlow(remindAction),
};

/** Flows that no subcommand starts: the reminder sweep (src/core/reminders) sends their cards by DM. */
export const flowsWithoutCommand: ReadonlySet<string> = new Set(['apikey.remind']);

