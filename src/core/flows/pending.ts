import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { IdIndex } from '../../store/id-index.js';
import { keepAlive } from '../../store/keep-alive.js';
import type { Store } from '../../store/port.js';
import { Locale } from '../i18n/locale.js';
import { translator, type Translator } from '../i18n/translator.js';
import { ChatUser, Where } from '../invocation.js';
import { PostedRef } from '../outcome.js';
import type { FlowKind } from '../spec.js';

export const PendingStatus = z.enum(['pending', 'done', 'cancelled', 'approved', 'applied', 'rejected', 'expired', 'failed']);
export type PendingStatus = z.infer<typeof PendingStatus>;

/** How many approve a change, and who may (APPROVAL_POLICY), fixed on the record when it is asked. */
export const ApprovalPolicy = z.object({
  /** Distinct approvers needed, none of them the requester. */
  required: z.number().int().min(1),
  /** The rule it came from, as configured (`quota.increase gpu>4 approvals=2`); absent: the default. */
  rule: z.string().optional(),
  /** The approver group the rule names (`gpu-owners`) and its members (member ids or chat keys) when it was asked. */
  group: z.string().optional(),
  approvers: z.array(z.string()).optional(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** One approval of several: who, and when. */
export const Approval = z.object({ chatKey: z.string(), memberId: z.string(), name: z.string(), at: z.number() });
export type Approval = z.infer<typeof Approval>;

export const PendingAction = z.object({
  id: z.string(),
  flow: z.enum(['confirm', 'approval']),
  /** The flow action that runs it: `apikey.delete`, `quota.set`, … (registered by its feature). */
  action: z.string(),
  requester: ChatUser,
  requesterMember: z.string(),
  where: Where,
  /** The action's own arguments, checked by its schema when read back. */
  args: z.unknown(),
  /** SHA-256 of the exact arguments: what runs is what was asked for. */
  argsHash: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: PendingStatus,
  decidedBy: z.string().optional(),
  decidedByName: z.string().optional(),
  decidedAt: z.number().optional(),
  note: z.string().optional(),
  /** The language the card was posted in (its requester's); it keeps it when decided. English when absent (older records). */
  locale: Locale.optional(),
  /** An approval's policy (absent on older records: one approval by any other admin) and the approvals so far. */
  policy: ApprovalPolicy.optional(),
  approvals: z.array(Approval).optional(),
  /** When the approvers were last reminded, and when it was escalated (src/features/approvals/sweep.ts). */
  remindedAt: z.number().optional(),
  escalatedAt: z.number().optional(),
});
/** A confirmation waiting for its requester's click, or an approval waiting for a second admin. */
export type PendingAction = z.infer<typeof PendingAction>;

/** The language a card was posted in: its requester's at the time (English for records older than languages). */
export const cardTranslator = (services: { timeZone: string }, p: Pick<PendingAction, 'locale'>): Translator<string> =>
  translator(p.locale ?? 'en', services.timeZone);

export const hashArgs = (args: unknown): string => createHash('sha256').update(JSON.stringify(args)).digest('hex');

export const newFlowId = (): string => randomBytes(9).toString('base64url');

/** How long each flow waits for its click, and how long the record is kept after that. */
export const FLOW_TTL_MS: Record<FlowKind, { wait: number; keep: number }> = {
  confirm: { wait: 5 * 60 * 1000, keep: 60 * 60 * 1000 },
  approval: { wait: 24 * 60 * 60 * 1000, keep: 8 * 24 * 60 * 60 * 1000 },
};

/** A decision's claim lives this long past its last renewal (renewed every third of it while the work runs). */
export const DECISION_LEASE_MS = 30_000;

/** A decision being made: `done()` once it is saved (the claim then expires by itself); `release()` when it failed. */
export interface DecisionLease {
  done(): void;
  release(): Promise<void>;
}

/** The key of the index of every open approval that versions before 0.2 kept (read, never written). */
const EVERYONE = '*';

/** An open approval's entry in the `waiting` collection: one record each, so listing needs no lock. */
interface Waiting {
  id: string;
  requesterMember: string;
  createdAt: number;
}

/**
 * One store for every pending flow: confirmations and approvals alike. Open approvals are also listed,
 * one small record each in the `waiting` collection (written before the request itself and deleted
 * once it is decided), so that `/quota pending` and the duplicate check read those records only,
 * never the whole store, and so that no lock is shared by every request (a burst of requests from
 * many members never waits on one another).
 */
export class PendingActions {
  /** The index older versions kept under one lock; read so their open approvals stay listed. */
  private readonly legacy: IdIndex;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** How long a decision's claim outlives a holder that died (DECISION_LEASE_MS in tests). */
    private readonly decisionLeaseMs = DECISION_LEASE_MS,
  ) {
    this.legacy = new IdIndex(store, 'open-approvals');
  }

  private get waiting() {
    return this.store.collection<Waiting>('waiting');
  }

  private get records() {
    return this.store.collection<PendingAction>('pending');
  }

  /**
   * A new pending flow; it waits for its click FLOW_TTL_MS[flow].wait, or until `opts.until` (epoch ms)
   * for one that must wait longer (a key-expiry reminder waits until the key expires).
   */
  async create(
    p: Pick<PendingAction, 'flow' | 'action' | 'requester' | 'requesterMember' | 'where' | 'args' | 'locale' | 'policy'>,
    opts: { until?: number; waitMs?: number } = {},
  ): Promise<PendingAction> {
    const createdAt = this.now();
    const expiresAt = opts.until ?? createdAt + (opts.waitMs ?? FLOW_TTL_MS[p.flow].wait);
    const pending: PendingAction = { ...p, id: newFlowId(), argsHash: hashArgs(p.args), createdAt, expiresAt, status: 'pending' };
    // Listed first: an entry whose request was never written is dropped when met; a request never listed would be lost.
    if (p.flow === 'approval') await this.waiting.put(pending.id, { id: pending.id, requesterMember: p.requesterMember, createdAt }, this.keepFor(pending));
    await this.records.put(pending.id, pending, this.keepFor(pending));
    return pending;
  }

  /** The record, unless it is unknown, damaged, or its arguments no longer match their hash. */
  async get(id: string): Promise<PendingAction | undefined> {
    return this.checked(await this.records.get(id));
  }

  /** A stored record that is whole and untampered (its arguments still hash as stored), or undefined. */
  private checked(raw: unknown): PendingAction | undefined {
    const parsed = PendingAction.safeParse(raw);
    if (!parsed.success || parsed.data.argsHash !== hashArgs(parsed.data.args)) return undefined;
    return parsed.data;
  }

  /** Kept FLOW_TTL_MS[flow].keep past its expiry, so that a late click is told "expired" instead of "unknown". */
  private keepFor(p: PendingAction): number {
    return Math.max(0, p.expiresAt - this.now()) + FLOW_TTL_MS[p.flow].keep;
  }

  async save(p: PendingAction): Promise<void> {
    await this.records.put(p.id, p, this.keepFor(p));
    if (p.flow === 'approval' && p.status !== 'pending') await this.waiting.delete(p.id);
  }

  /**
   * Approvals still waiting, oldest first: one member's requests, or everyone's. Ids whose record is
   * gone or decided leave the index as they are met; an expired one stays listed until the approval
   * sweep closes it (src/features/approvals/sweep.ts), but is not returned.
   */
  async openApprovals(requesterMember?: string): Promise<PendingAction[]> {
    return (await this.waitingApprovals(requesterMember)).filter((p) => !this.isExpired(p));
  }

  /** Approvals whose status is still `pending`, oldest first, expired ones included (the approval sweep's work). */
  async waitingApprovals(requesterMember?: string): Promise<PendingAction[]> {
    const listed = (await this.waiting.values()).filter((w) => requesterMember === undefined || w.requesterMember === requesterMember);
    const legacy = await this.legacy.ids(requesterMember ?? EVERYONE);
    const ids = [...new Set([...listed.sort((a, b) => a.createdAt - b.createdAt).map((w) => w.id), ...legacy])];
    // One round trip for the records, not one per id.
    const records = await this.records.getMany(ids);
    const open: PendingAction[] = [];
    for (const [i, id] of ids.entries()) {
      const p = this.checked(records[i]);
      if (p && p.status === 'pending') open.push(p);
      else if (listed.some((w) => w.id === id)) await this.waiting.delete(id);
    }
    return open.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The cards posted for an approval (the approvals channel's, the escalation channel's), oldest first. */
  async cardsOf(id: string): Promise<PostedRef[]> {
    const raw = await this.cards.get(`approval-cards:${id}`);
    const parsed = z.array(PostedRef).safeParse(raw);
    return parsed.success ? parsed.data : [];
  }

  /** Notes a posted card; called by the one that posted it (the asker, or the sweep under the decision claim). */
  async addCard(p: PendingAction, ref: PostedRef): Promise<void> {
    await this.cards.put(`approval-cards:${p.id}`, [...(await this.cardsOf(p.id)), ref], this.keepFor(p));
  }

  /** Bookkeeping beside the record (never a reason to say something changed): `approval-cards:<id>`. */
  private get cards() {
    return this.store.collection<PostedRef[]>('meta');
  }

  isExpired(p: PendingAction): boolean {
    return this.now() >= p.expiresAt;
  }

  /**
   * A lease for exactly one decision at a time, across processes: held (renewed) while the decision's
   * work runs, so it lasts as long as a slow apply does, and expires `decisionLeaseMs` after a holder
   * that died, so that a later click (on any replica) finishes or re-offers it. The caller reads the
   * record again once it holds the lease: a decision made meanwhile is then seen, never made twice.
   */
  async claim(p: PendingAction): Promise<DecisionLease | undefined> {
    const lease = await this.store.claim(`decide:${p.id}`, this.decisionLeaseMs);
    if (!lease) return undefined;
    const stop = keepAlive(lease, this.decisionLeaseMs);
    return {
      release: async () => {
        stop();
        await lease.release();
      },
      done: stop,
    };
  }
}

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
