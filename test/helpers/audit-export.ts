import { expect } from 'vitest';
import { AuditEvent } from '../../src/core/audit-event.js';

/** A JSON Lines export's events, each line parsed and checked against the one event shape. */
export function parseJsonl(content: string): AuditEvent[] {
  expect(content === '' || content.endsWith('\n'), 'a JSON Lines file ends with a line break').toBe(true);
  return content
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => AuditEvent.parse(JSON.parse(l)));
}

/**
 * The export matches the chat view (`/tenant audit 200` as the reader saw it): as many changes as its
 * head says, and each event's who, what and target on one of its lines, in the same order (the view is
 * newest first, the export oldest first).
 */
export function expectMatchesChatView(events: AuditEvent[], view: string): void {
  const head = /Latest (\d+) changes?/.exec(view);
  expect(head, `the chat view's head: ${view.slice(0, 200)}`).not.toBeNull();
  expect(events).toHaveLength(Number(head![1]));
  const lines = view.split('\n');
  let at = lines.length;
  for (const e of events) {
    const row = new RegExp(`${escape(e.actor.chat)}\\s+${escape(e.details.internal_action)}\\s+${escape(e.target)}(\\s|$)`);
    let found = at - 1;
    while (found >= 0 && !row.test(lines[found]!)) found--;
    expect(found, `a row for ${e.actor.chat} ${e.details.internal_action} ${e.target} above line ${at} of:\n${view}`).toBeGreaterThanOrEqual(0);
    at = found;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
