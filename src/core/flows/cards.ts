import { listOf, type Translator } from '../i18n/translator.js';
import { reply, text, type ConfirmDialog, type Reply } from '../reply.js';
import type { FlowAction } from './actions.js';
import { encodeAction, type PendingAction } from './pending.js';

/** A confirmation card: what will happen, a danger button with a confirm dialog, and Cancel. */
export function confirmationCard(t: Translator<string>, p: PendingAction, body: string, confirmLabel: string, dialog: ConfirmDialog): Reply {
  return reply([
    text(body),
    {
      type: 'buttons',
      buttons: [
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'ok' }), label: confirmLabel, style: 'danger', confirm: dialog },
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'cancel' }), label: t.t('flow.cancel'), style: 'default' },
      ],
    },
  ]);
}

type ApprovalFlow = Extract<FlowAction, { flow: 'approval' }>;

/**
 * Pending: the action's description, Approve and Reject buttons for a second admin. The card is in its
 * requester's language (`t`, kept on the record), and stays in it when decided.
 */
export function approvalCard(t: Translator<string>, p: PendingAction, action: ApprovalFlow, opts: { replaceOriginal?: boolean; head?: string } = {}): Reply {
  return reply(
    [
      ...(opts.head ? [text(opts.head)] : []),
      text(withPolicy(t, p, action.describe(t, p))),
      {
        type: 'buttons',
        buttons: [
          { id: encodeAction({ flow: 'approval', id: p.id, choice: 'approve' }), label: t.t('flow.approve'), style: 'primary' },
          {
            id: encodeAction({ flow: 'approval', id: p.id, choice: 'reject' }),
            label: t.t('flow.reject'),
            style: 'danger',
            confirm: {
              title: t.t('flow.rejectDialog.title'),
              text: t.t('flow.rejectDialog.text'),
              confirm: t.t('flow.rejectDialog.confirm'),
              deny: t.t('flow.rejectDialog.deny'),
            },
          },
        ],
      },
    ],
    'channel',
    opts.replaceOriginal ? { replaceOriginal: true } : {},
  );
}

/**
 * The policy a request is under, and the approvals so far ("Needs 2 approvals: 1 of 2 so far, by
 * @dave"), below its description; only for a request a configured APPROVAL_POLICY rule matched.
 */
export function policyLine(t: Translator<string>, p: PendingAction): string | undefined {
  const policy = p.policy;
  if (!policy?.rule) return undefined;
  const approvals = p.approvals ?? [];
  return t.t('flow.policy', {
    n: policy.required,
    count: approvals.length,
    how: policy.group ? t.t('flow.policy.from', { who: policy.group }) : '',
    what: approvals.length > 0 ? t.t('flow.policy.by', { by: listOf(t, approvals.map((a) => a.name)) }) : '',
  });
}

const withPolicy = (t: Translator<string>, p: PendingAction, body: string): string => {
  const line = policyLine(t, p);
  return line ? `${body}\n${line}` : body;
};

/** Decided: the same body, the buttons replaced by the outcome. */
export function decidedCard(t: Translator<string>, p: PendingAction, action: ApprovalFlow): Reply {
  return reply([text(`${withPolicy(t, p, action.describe(t, p))}\n${p.note ?? ''}`)], 'channel', { replaceOriginal: true });
}

