import type { Store } from '../../store/port.js';

/**
 * Members who turned their key-expiry reminders off (`/apikey reminders off`), one record each in
 * `settings` (a member's choice, so a failed write is a change the user is told may have happened);
 * reminders are on unless a record says off. Per member, so it holds on every platform.
 *
 * Versions before kept the same records in `meta`, which the change tracking counts as bookkeeping:
 * they are still read (a member who said off stays off), and any later choice replaces them.
 */
export class ReminderOptOut {
  constructor(private readonly store: Store) {}

  private get records() {
    return this.store.collection<boolean>('settings');
  }

  private get earlierRecords() {
    return this.store.collection<boolean>('meta');
  }

  private id = (memberId: string) => `reminders-off:${memberId}`;

  async isOff(memberId: string): Promise<boolean> {
    return (await this.off([memberId])).length === 1;
  }

  async set(memberId: string, on: boolean): Promise<void> {
    if (on) await this.records.delete(this.id(memberId));
    else await this.records.put(this.id(memberId), true);
    await this.earlierRecords.delete(this.id(memberId));
  }

  /** Of `memberIds`, those with reminders off. */
  async off(memberIds: Iterable<string>): Promise<string[]> {
    const ids = [...memberIds];
    const keys = ids.map(this.id);
    const [flags, earlier] = await Promise.all([this.records.getMany(keys), this.earlierRecords.getMany(keys)]);
    return ids.filter((_, i) => flags[i] === true || earlier[i] === true);
  }
}
