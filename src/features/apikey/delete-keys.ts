import { z } from 'zod';
import { auditBase } from '../../core/audit.js';
import type { ConfirmAction } from '../../core/flows/actions.js';
import { describeError } from '../../core/i18n.js';
import type { MessageId } from './messages.js';

const DeleteKeysArgs = z.object({
  keyIds: z.array(z.string()).min(1),
  /** Of those, the key the requester logged in with (the backend's usedForLogin): after it, a new login. */
  loginKeyIds: z.array(z.string()).optional(),
});

/** `/apikey delete`: runs on the requester's click; the backend checks each key's owner again. */
export const deleteKeysAction: ConfirmAction<z.infer<typeof DeleteKeysArgs>, MessageId> = {
  flow: 'confirm',
  args: DeleteKeysArgs,
  cancelled: (t) => t.t('apikey.delete.cancelled'),
  async execute({ services, actor, user, where, args, t }) {
    const base = auditBase(user, where, actor);
    const lines: string[] = [];
    let deleted = 0;
    for (const keyId of args.keyIds) {
      const result = await services.changing(services.backend.deleteKey(actor, keyId));
      const relogin = args.loginKeyIds?.includes(keyId) ? t.t('apikey.delete.relogin') : '';
      if (result.ok) {
        deleted++;
        lines.push(t.t('apikey.delete.deleted', { id: keyId, relogin }));
        await services.audit.append({ ...base, action: 'key.deleted', target: keyId, outcome: 'ok' });
        await services.publish({ type: 'key.deleted', keyId, verdict: 'applied' });
      } else if (result.code === 'maybe_applied') {
        // Sent, but the answer was lost or late: it may be gone, so never "not deleted".
        deleted++;
        lines.push(t.t('apikey.delete.maybe', { id: keyId, error: describeError(t, result.code, result.detail), relogin }));
        await services.audit.append({ ...base, action: 'key.deleted', target: keyId, outcome: 'unknown', detail: result.code });
        await services.publish({ type: 'key.deleted', keyId, verdict: 'unknown' });
      } else {
        lines.push(t.t('apikey.delete.notDeleted', { id: keyId, error: describeError(t, result.code, result.detail) }));
        await services.audit.append({ ...base, action: 'key.deleted', target: keyId, outcome: 'failed', detail: result.code });
      }
    }
    if (deleted === 0 && args.keyIds.length > 1) lines.push(t.t('apikey.delete.nothing'));
    return lines.join('\n');
  },
};
