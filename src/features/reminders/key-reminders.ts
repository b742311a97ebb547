import { IdIndex } from '../../store/id-index.js';
import type { Store } from '../../store/port.js';
import type { EventOf } from '../../core/events.js';
import type { Services } from '../../core/feature.js';
import { cardTranslator, type PendingActions } from '../../core/flows/pending.js';
import type { MessageId } from './messages.js';

/**
 * The reminder cards still open for each key: extending or deleting a key closes them, so that a
 * later click on one says why and never extends the key a second time.
 */
export class KeyReminders {
  private readonly index: IdIndex;

  constructor(
    store: Store,
    private readonly pending: PendingActions,
    /** TZ, for the words a later click is told (in the card's own language). */
    private readonly timeZone: string,
    /** The core's clock: an entry lasts as long as its key has left by it. */
    now: () => number = Date.now,
  ) {
    this.index = new IdIndex(store, 'key-reminders', now);
  }

  /**
   * A reminder card sent for `keyId`, which expires at `until` (epoch ms): the card means nothing after
   * that, so the key's entry goes then by itself, though the key is never extended or deleted.
   */
  add(keyId: string, pendingId: string, until: number): Promise<void> {
    return this.index.add(keyId, pendingId, { until });
  }

  /** A reminder card that was not sent after all: nothing to close later. */
  forget(keyId: string, pendingId: string, until: number): Promise<void> {
    return this.index.remove(keyId, [pendingId], { until });
  }

  /** Closes every open reminder card of `keyId`; a click on one is told why, in the card's language. */
  async cancel(keyId: string, why: Extract<MessageId, 'reminders.voidedByExtension' | 'reminders.voidedByDeletion'>): Promise<number> {
    let closed = 0;
    const ids = await this.index.ids(keyId);
    for (const id of ids) {
      const p = await this.pending.get(id);
      if (p?.status === 'pending') {
        const note = cardTranslator({ timeZone: this.timeZone }, p).t(why, { id: keyId });
        await this.pending.save({ ...p, status: 'cancelled', note });
        closed++;
      }
    }
    if (ids.length > 0) await this.index.remove(keyId, ids);
    return closed;
  }
}

/**
 * Extending or deleting a key, by whichever path (`/apikey extend`, a reminder's Extend button,
 * `/apikey delete`), closes its open reminder cards. A change that may have been applied counts: the
 * next sweep reads the key afresh.
 */
export async function closeRemindersOf(event: EventOf<'key.extended' | 'key.deleted'>, services: Services): Promise<void> {
  const cards = new KeyReminders(services.store, services.pending, services.timeZone, services.now);
  await cards.cancel(event.keyId, event.type === 'key.extended' ? 'reminders.voidedByExtension' : 'reminders.voidedByDeletion');
}
