import type { Lease } from './port.js';

/**
 * Renews `lease` every third of `ttlMs` while work runs, so that a claim lives as long as the work
 * (a slow TWCC call) and no longer than `ttlMs` after its holder dies. `onLost` is told once when a
 * renewal finds the lease gone (expired, and perhaps taken by another); `whileHeld`, when given, is
 * asked before each renewal (false: not renewed this time). `ttlMs` may be asked afresh at each
 * renewal (a claim that must end with another lease). Returns the stop function.
 */
export function keepAlive(lease: Lease, ttlMs: number | (() => number), onLost?: () => void, whileHeld: () => boolean = () => true): () => void {
  let stopped = false;
  const ttl = typeof ttlMs === 'number' ? () => ttlMs : ttlMs;
  const timer = setInterval(() => {
    // Tied to another lease (a sweep's): once that one is gone, this one is left to expire with it.
    if (!whileHeld()) return;
    void lease.renew(ttl()).then(
      (held) => {
        if (!held && !stopped) {
          stopped = true;
          clearInterval(timer);
          onLost?.();
        }
      },
      // A store outage: the next renewal tries again; the lease expires by itself if the outage lasts.
      () => undefined,
    );
  }, Math.max(1, Math.floor(ttl() / 3)));
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
