/**
 * The one codec for button ids: `c:<id>:ok|cancel` on a confirmation, `a:<id>:approve|reject` on an
 * approval. Built and parsed only here; an id that does not decode is "not understood", never Cancel.
 */
export type ActionRef =
  | { flow: 'confirm'; id: string; choice: 'ok' | 'cancel' }
  | { flow: 'approval'; id: string; choice: 'approve' | 'reject' };

const PREFIX = { confirm: 'c', approval: 'a' } as const;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeAction(ref: ActionRef): string {
  return `${PREFIX[ref.flow]}:${ref.id}:${ref.choice}`;
}

export function decodeAction(actionId: string): ActionRef | undefined {
  const [prefix, id = '', choice, ...rest] = actionId.split(':');
  if (rest.length > 0 || !ID.test(id)) return undefined;
  if (prefix === PREFIX.confirm && (choice === 'ok' || choice === 'cancel')) return { flow: 'confirm', id, choice };
  if (prefix === PREFIX.approval && (choice === 'approve' || choice === 'reject')) return { flow: 'approval', id, choice };
  return undefined;
}
