import type { QuotaValues, Service } from '../backends/port.js';

/**
 * What happened, said once by the code that did it, after the backend answered. Features subscribe
 * (`on` in their definition): a deletion is followed from the click to every effect by reading the
 * publisher and its listeners, not a wrapper around the backend. `verdict: 'unknown'` is a change
 * that may have been applied (sent, but the answer was lost or late).
 */
export type DomainEvent =
  | { type: 'key.created'; keyId: string; owner: string }
  | { type: 'key.extended'; keyId: string; verdict: 'applied' | 'unknown' }
  | { type: 'key.deleted'; keyId: string; verdict: 'applied' | 'unknown' }
  | { type: 'quota.changed'; member: string; service: Service; verdict: 'applied' | 'unknown' }
  | { type: 'member.linked'; memberId: string; chatKey: string }
  | { type: 'member.unlinked'; memberId: string; chatKey: string }
  /**
   * An approved quota change was written (or found already in place: `applied` empty), for request
   * `requestId`: what each written resource was `before`, and whose authority `by` wrote it.
   */
  | { type: 'quota.applied'; requestId: string; member: string; service: Service; before: QuotaValues; applied: QuotaValues; verdict: 'applied' | 'unknown'; by: { chatKey: string; memberId: string } }
  /** An approved quota change the bot could not apply (TWCC_QUOTA_WRITE=off): a tenant admin applies `values` on the portal. */
  | { type: 'quota.awaiting_portal'; requestId: string; member: string; service: Service; values: QuotaValues; by: { chatKey: string; memberId: string } };

export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** A listener runs inside the publishing invocation, after the change and before its answer. */
export type Listener<T extends EventType, S> = (event: EventOf<T>, services: S) => Promise<void>;
export type Listeners<S> = { readonly [T in EventType]?: Listener<T, S> };

/** Listeners by event type, in registration order; a listener's failure is the publisher's failure. */
export class EventBus<S> {
  readonly #byType = new Map<EventType, Listener<EventType, S>[]>();

  constructor(all: readonly Listeners<S>[]) {
    for (const listeners of all) {
      for (const [type, listener] of Object.entries(listeners) as [EventType, Listener<EventType, S>][]) {
        this.#byType.set(type, [...(this.#byType.get(type) ?? []), listener]);
      }
    }
  }

  async publish(event: DomainEvent, services: S): Promise<void> {
    for (const listener of this.#byType.get(event.type) ?? []) await listener(event, services);
  }
}
