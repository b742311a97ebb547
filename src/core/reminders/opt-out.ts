import type { Store } from '../../store/port.js';

/**
 * Members who turned their key-expiry reminders off (`/apikey reminders off`), one record each in
 * `meta`; reminders are on unless a record says off. Per member, so it holds on every platform.
 */
export class ReminderOptOut {
  constructor(private readonly store: Store) {}

  private get records() {
    return this.store.collection<boolean>('meta');
  }

  private id = (memberId: string) => `reminders-off:${memberId}`;

  async isOff(memberId: string): Promise<boolean> {
    return (await this.records.get(this.id(memberId))) === true;
  }

  async set(memberId: string, on: boolean): Promise<void> {
    if (on) await this.records.delete(this.id(memberId));
    else await this.records.put(this.id(memberId), true);
  }

  /** Of `memberIds`, those with reminders off. */
  async off(memberIds: Iterable<string>): Promise<string[]> {
    const ids = [...memberIds];
    const flags = await this.records.getMany(ids.map(this.id));
    return ids.filter((_, i) => flags[i] === true);
  }
}
