import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/types.js';
import { ChatUser, Where } from './invocation.js';

export const CONFIRMATION_TTL_MS = 5 * 60 * 1000;

export const PendingConfirmation = z.object({
  id: z.string(),
  action: z.literal('apikey.delete'),
  requester: ChatUser,
  where: Where,
  args: z.object({ keyIds: z.array(z.string()) }),
  /** SHA-256 of the exact arguments: what runs is what was confirmed. */
  argsHash: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
/** An irreversible action waiting for its requester's click. */
export type PendingConfirmation = z.infer<typeof PendingConfirmation>;

export const hashArgs = (args: unknown): string => createHash('sha256').update(JSON.stringify(args)).digest('hex');

export const newFlowId = (): string => randomBytes(9).toString('base64url');

export class Confirmations {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  async create(p: Omit<PendingConfirmation, 'id' | 'argsHash' | 'createdAt' | 'expiresAt'>): Promise<PendingConfirmation> {
    const createdAt = this.now();
    const pending: PendingConfirmation = {
      ...p,
      id: newFlowId(),
      argsHash: hashArgs(p.args),
      createdAt,
      expiresAt: createdAt + CONFIRMATION_TTL_MS,
    };
    // Kept a while past expiry so a late click is told "expired" instead of "unknown".
    await this.store.ns<PendingConfirmation>('pending').set(pending.id, pending, CONFIRMATION_TTL_MS * 12);
    return pending;
  }

  async get(id: string): Promise<PendingConfirmation | undefined> {
    const raw = await this.store.ns('pending').get(id);
    const parsed = PendingConfirmation.safeParse(raw);
    if (!parsed.success || parsed.data.argsHash !== hashArgs(parsed.data.args)) return undefined;
    return parsed.data;
  }

  isExpired(p: PendingConfirmation): boolean {
    return this.now() >= p.expiresAt;
  }

  /** True for exactly one click, across processes: the store's atomic claim. */
  claim(p: PendingConfirmation): Promise<boolean> {
    return this.store.claim(`confirm:${p.id}`, CONFIRMATION_TTL_MS * 12);
  }
}
