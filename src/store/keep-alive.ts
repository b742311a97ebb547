import type { Lease } from './port.js';

/**
 * Renews `lease` every third of `ttlMs` while work runs, so that a claim lives as long as the work
 * (a slow TWCC call) and no longer than `ttlMs` after its holder dies. `onLost` is told once when a
 * renewal finds the lease gone (expired, and perhaps taken by another). Returns the stop function.
 */
export function keepAlive(lease: Lease, ttlMs: number, onLost?: () => void): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    void lease.renew(ttlMs).then(
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
  }, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
