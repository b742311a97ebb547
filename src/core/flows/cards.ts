import { encodeAction } from '../action-id.js';
import type { PendingAction } from '../pending.js';
import { reply, text, type ConfirmDialog, type Reply } from '../reply.js';
import type { FlowAction } from './registry.js';

/** A confirmation card: what will happen, a danger button with a confirm dialog, and Cancel. */
export function confirmationCard(p: PendingAction, body: string, confirmLabel: string, dialog: ConfirmDialog): Reply {
  return reply([
    text(body),
    {
      type: 'buttons',
      buttons: [
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'ok' }), label: confirmLabel, style: 'danger', confirm: dialog },
        { id: encodeAction({ flow: 'confirm', id: p.id, choice: 'cancel' }), label: 'Cancel', style: 'default' },
      ],
    },
  ]);
}

type ApprovalFlow = Extract<FlowAction, { flow: 'approval' }>;

/** Pending: the action's description, Approve and Reject buttons for a second admin. */
export function approvalCard(p: PendingAction, action: ApprovalFlow): Reply {
  return reply(
    [
      text(action.describe(p)),
      {
        type: 'buttons',
        buttons: [
          { id: encodeAction({ flow: 'approval', id: p.id, choice: 'approve' }), label: 'Approve', style: 'primary' },
          {
            id: encodeAction({ flow: 'approval', id: p.id, choice: 'reject' }),
            label: 'Reject',
            style: 'danger',
            confirm: { title: 'Reject this request?', text: 'The requester will be told it was rejected.', confirm: 'Reject', deny: 'Back' },
          },
        ],
      },
    ],
    'channel',
  );
}

/** Decided: the same body, the buttons replaced by the outcome. */
export function decidedCard(p: PendingAction, action: ApprovalFlow): Reply {
  return reply([text(`${action.describe(p)}\n${p.note ?? ''}`)], 'channel', { replaceOriginal: true });
}
