import { z } from 'zod';
import { Service } from '../../backends/port.js';
import { Locale } from '../../core/i18n/locale.js';
import { ChatUser, Where } from '../../core/invocation.js';
import type { Store } from '../../store/port.js';

/** Quotas as read (a negative one is unlimited, TWCC's -1): what a grant restores. */
const Values = z.object({ cpu: z.number().optional(), gpu: z.number().optional(), memory: z.number().optional() });
export type Values = z.infer<typeof Values>;

export const Grant = z.object({
  /** The request that granted it (its approval record's id). */
  id: z.string(),
  member: z.string(),
  /** How the member was named on the card (`@alice`). */
  targetLabel: z.string(),
  service: Service,
  /** The values written, and what those resources were before: what the end restores. */
  granted: Values,
  previous: Values,
  appliedAt: z.number(),
  /** `for <duration>`: when the previous values come back, and the duration an extension adds. */
  endsAt: z.number().optional(),
  forMs: z.number().optional(),
  /** Break-glass: the approval record that must be approved in time, or the grant is reverted. */
  reviewId: z.string().optional(),
  /** Whose authority wrote it (the approver, or the break-glass member): the revert is written as them. */
  by: z.object({ chatKey: z.string(), memberId: z.string() }),
  requester: ChatUser,
  where: Where,
  locale: Locale.optional(),
  /** `active` until restored (`reverted`), or kept for good (`kept`: a break-glass change approved without an end). */
  status: z.enum(['active', 'reverted', 'kept']),
  /** The DM before the end was sent (per end: an extension sends another). */
  warnedFor: z.number().optional(),
  /** After a failed or unknown revert: not tried again before this. */
  retryAt: z.number().optional(),
  attempts: z.number().int().optional(),
});
export type Grant = z.infer<typeof Grant>;

/** Kept this long after it ends, so that a late click is told "already ended" and the history stays readable. */
const KEEP_MS = 8 * 24 * 60 * 60 * 1000;

/** Grants by their request id, one record each. */
export class Grants {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  private get records() {
    return this.store.collection<unknown>('grants');
  }

  async get(id: string): Promise<Grant | undefined> {
    const parsed = Grant.safeParse(await this.records.get(id));
    return parsed.success ? parsed.data : undefined;
  }

  async put(g: Grant): Promise<void> {
    const until = g.status === 'active' ? Math.max(g.endsAt ?? 0, this.now()) + KEEP_MS * 4 : this.now() + KEEP_MS;
    await this.records.put(g.id, Grant.parse(g), until - this.now());
  }

  /** Every grant still to end, soonest first (a small collection: one record per live grant). */
  async active(): Promise<Grant[]> {
    const all = (await this.records.values()).map((v) => Grant.safeParse(v)).flatMap((p) => (p.success ? [p.data] : []));
    return all.filter((g) => g.status === 'active').sort((a, b) => (a.endsAt ?? Infinity) - (b.endsAt ?? Infinity));
  }
}
