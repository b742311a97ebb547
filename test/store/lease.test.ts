import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ExclusiveLease } from '../../src/store/lease.js';
import { memoryStore } from '../../src/store/memory-store.js';
import { postgresUrl, redisUrl } from '../helpers/services.js';
import { compiledScript } from '../helpers/built.js';

interface Tick {
  pid: number;
  held: boolean;
  before: number;
  after: number;
}

/** Three replicas as three processes, each ticking the same lease and reporting every tick. */
class Replicas {
  readonly ticks: Tick[] = [];
  readonly children: ChildProcess[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(url: string, count: number, ttlMs: number) {
    const prefix = `lease${randomBytes(4).toString('hex')}_`;
    for (let i = 0; i < count; i++) {
      // node itself, not a wrapper: one process per replica, so that SIGKILL kills the holder itself.
      const child = spawn(process.execPath, [compiledScript('test/store/lease-holder.ts'), url, prefix, 'sweep', String(ttlMs)], {
        env: { PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.ticks.push(JSON.parse(line) as Tick);
        for (const w of [...this.waiters]) w();
      });
      this.children.push(child);
    }
  }

  alive(): number[] {
    return this.children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => c.pid!);
  }

  /** Resolves once `predicate` holds over the ticks so far. */
  until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    return new Promise((done, fail) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        done();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this.children.map((c) => `${c.pid}: ${this.ticksOf(c.pid!).length} ticks, exit ${c.exitCode ?? c.signalCode}`);
        fail(new Error(`${what} within ${timeoutMs} ms (${seen.join('; ')})`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Ticks of `pid` that came after `since` (epoch ms, by the tick's start). */
  ticksOf(pid: number, since = 0): Tick[] {
    return this.ticks.filter((t) => t.pid === pid && t.before >= since);
  }

  kill(pid: number): void {
    this.children.find((c) => c.pid === pid)!.kill('SIGKILL');
  }

  stop(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
  }
}

let replicas: Replicas | undefined;
afterEach(() => {
  replicas?.stop();
  replicas = undefined;
});

// The holder renews every quarter of this: a busy machine must starve it for the whole lifetime
// before the lease changes hands by mistake, so the lifetime is long next to any such pause.
const TTL_MS = 4_000;

describe.each([
  ['redis', redisUrl],
  ['postgres', postgresUrl],
])('a lease on %s shared by three processes', (_kind, urlOf) => {
  it('is held by one at a time; when its holder is killed, another takes it once it has expired', { timeout: 120_000 }, async () => {
    const r = (replicas = new Replicas(urlOf(), 3, TTL_MS));
    // Every replica has ticked a few times since the first one started holding.
    await r.until(() => r.ticks.some((t) => t.held), 'no replica took the lease');
    const firstHeld = r.ticks.find((t) => t.held)!;
    await r.until(() => r.alive().every((pid) => r.ticksOf(pid, firstHeld.after).length >= 3), 'three ticks each');

    const holders = new Set(r.ticks.filter((t) => t.held).map((t) => t.pid));
    expect([...holders]).toEqual([firstHeld.pid]);

    // The holder dies without releasing: the lease lives until its last renewal's lifetime ends.
    const lastRenewal = Math.max(...r.ticksOf(firstHeld.pid).filter((t) => t.held).map((t) => t.before));
    r.kill(firstHeld.pid);
    await r.until(() => r.ticks.some((t) => t.held && t.pid !== firstHeld.pid), 'nobody took over');
    const takeover = r.ticks.find((t) => t.held && t.pid !== firstHeld.pid)!;
    expect(takeover.after).toBeGreaterThanOrEqual(lastRenewal + TTL_MS);

    // And the survivors agree: from then on, only the new holder holds it.
    await r.until(() => r.alive().every((pid) => r.ticksOf(pid, takeover.after).length >= 3), 'three more ticks each');
    const since = r.ticks.filter((t) => t.held && t.before >= takeover.after).map((t) => t.pid);
    expect(new Set(since)).toEqual(new Set([takeover.pid]));
  });
});

describe('ExclusiveLease', () => {
  it('started, it takes the lease and says so; stopped, it releases it for the next replica at once', async () => {
    const store = memoryStore();
    const changes: string[] = [];
    const a = new ExclusiveLease(store, 'sweep', { ttlMs: 60_000, everyMs: 10, onChange: (held) => changes.push(`a ${held}`) });
    const b = new ExclusiveLease(store, 'sweep', { ttlMs: 60_000, onChange: (held) => changes.push(`b ${held}`) });
    a.start();
    await a.tick();
    expect(a.held).toBe(true);
    expect(await b.tick()).toBe(false);
    await a.stop();
    expect(await b.tick()).toBe(true);
    expect(changes).toEqual(['a true', 'a false', 'b true']);
  });

  it('is not held once its lifetime has passed without a renewal, even before the store notices', async () => {
    let clock = 1_000_000;
    const store = memoryStore(() => clock);
    const lease = new ExclusiveLease(store, 'sweep', { ttlMs: 5_000, now: () => clock });
    expect(await lease.tick()).toBe(true);
    clock += 5_000;
    expect(lease.held).toBe(false);
    expect(await lease.tick()).toBe(false); // expired: the renewal is refused
    expect(await lease.tick()).toBe(true); // and it is free to take again
  });
});
