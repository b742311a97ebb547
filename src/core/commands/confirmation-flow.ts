import type { ApiKey } from '../../backends/port.js';
import type { PendingConfirmation } from '../confirmations.js';
import { describeError, texts } from '../i18n.js';
import type { Outcome } from '../outcome.js';
import { reply, text, type Reply } from '../reply.js';
import { auditBase, type ClickInvocation, type Services } from '../services.js';

const s = (n: number) => (n === 1 ? '' : 's');

/** The pending card: what will be deleted, a danger button with a confirm dialog, and Cancel. */
export function confirmationCard(p: PendingConfirmation, keys: ApiKey[]): Reply {
  const n = keys.length;
  const names = keys.map((k) => `\`${k.id}\` (${k.masked})`).join(', ');
  // Deleting the key the bot acts with breaks the member's next command: say so, and ask once more.
  const login = keys.find((k) => k.usedForLogin);
  const loginWarning = login ? ` \`${login.id}\` is the key you logged in with: after deleting it the bot needs a new key, so run \`/tenant login\` with another one.` : '';
  return reply([
    text(`Delete ${n} API key${s(n)}: ${names}? This cannot be undone; anything using ${n === 1 ? 'it' : 'them'} stops working.${loginWarning}`),
    {
      type: 'buttons',
      buttons: [
        {
          id: `c:${p.id}:ok`,
          label: login ? 'Delete, I will log in again' : n === 1 ? 'Delete' : `Delete ${n} keys`,
          style: 'danger',
          confirm: login
            ? { title: 'Delete your login key?', text: `\`${login.id}\` is the key the bot uses for you. After this, run \`/tenant login\` with a new key.`, confirm: 'Delete it', deny: 'Keep' }
            : { title: 'Delete for good?', text: `${n} key${s(n)} will be deleted. This cannot be undone.`, confirm: 'Delete', deny: 'Keep' },
        },
        { id: `c:${p.id}:cancel`, label: 'Cancel', style: 'default' },
      ],
    },
  ]);
}

const edited = (message: string): Outcome => ({ kind: 'reply', reply: reply(message, 'ephemeral', { replaceOriginal: true }) });
const notice = (message: string): Outcome => ({ kind: 'reply', reply: reply(message) });

/**
 * A click on a confirmation: only the requester's counts, it is claimed atomically (a double
 * click or a click on two replicas runs once), authorization is checked again, and the outcome
 * replaces the card with no buttons left.
 */
export async function handleConfirmationClick(services: Services, inv: ClickInvocation): Promise<Outcome> {
  const [, id = '', choice] = inv.actionId.split(':');
  const pending = await services.confirmations.get(id);
  if (!pending) return edited(texts.expired);
  const isRequester = pending.requester.platform === inv.user.platform && pending.requester.userId === inv.user.userId;
  if (!isRequester) return notice(texts.confirmOnlyRequester(pending.requester.name ? `@${pending.requester.name}` : 'the person'));
  if (!(await services.confirmations.claim(pending))) return notice(texts.alreadyDecided);
  if (services.confirmations.isExpired(pending)) return edited(texts.expired);
  if (choice !== 'ok') return edited('Cancelled; nothing was deleted.');

  // Authorization again, at execution: a role or link may have changed since the command.
  const actor = await services.identity.resolve(inv.user);
  if (!actor) return edited('You are no longer linked to a tenant member; nothing was deleted.');
  const base = auditBase(inv.user, inv.where, actor);
  const lines: string[] = [];
  let deleted = 0;
  for (const keyId of pending.args.keyIds) {
    const key = await services.backend.getKey(actor, keyId);
    const result = key.ok ? await services.backend.deleteKey(actor, keyId) : key;
    const relogin = key.ok && key.value.usedForLogin ? ' It was the key you logged in with: run `/tenant login` with another key.' : '';
    if (result.ok) {
      deleted++;
      lines.push(`Deleted \`${keyId}\`.${relogin}`);
      await services.audit.append({ ...base, action: 'key.deleted', target: keyId, outcome: 'ok' });
    } else if (result.code === 'maybe_applied') {
      // Sent, but the answer was lost or late: it may be gone, so never "not deleted".
      deleted++;
      lines.push(`\`${keyId}\` may have been deleted: ${describeError(result.code, result.detail)}${relogin}`);
      await services.audit.append({ ...base, action: 'key.deleted', target: keyId, outcome: 'unknown', detail: result.code });
    } else {
      lines.push(`\`${keyId}\` was not deleted: ${describeError(result.code, result.detail)}`);
      await services.audit.append({ ...base, action: 'key.deleted', target: keyId, outcome: 'failed', detail: result.code });
    }
  }
  if (deleted === 0 && pending.args.keyIds.length > 1) lines.push('Nothing was deleted.');
  return edited(lines.join('\n'));
}
