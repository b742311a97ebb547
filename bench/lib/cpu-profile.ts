/** Reads a V8 .cpuprofile and sums self time per function and per module (npm package, bot file, Node internals). */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of busy time (all samples but idle). */
  share: number;
}

/** Where a function lives: `pkg` for node_modules, the path under the repo for the bot, `node:…` for Node. */
export function moduleOf(url: string, repoRoot: string): string {
  if (!url) return '(V8/native)';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) {
    const [scope, name] = url.slice(at + 'node_modules/'.length).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  }
  // node:internal/deps/undici/undici is Node's own fetch; keep that much of the path.
  if (url.startsWith('node:')) return url.split('/').slice(0, url.startsWith('node:internal/deps/') ? 3 : 2).join('/');
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length + 1) : path;
}

export function summarize(file: string, repoRoot: string): { busyMs: number; idleMs: number; byFunction: SelfTime[]; byModule: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const where = moduleOf(url, repoRoot);
    const key = `${functionName || '(anonymous)'}  ${url ? `${where}:${lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + ms);
    const group = url ? where : functionName;
    mod.set(group, (mod.get(group) ?? 0) + ms);
  }
  const ranked = (m: Map<string, number>) =>
    [...m].map(([name, ms]) => ({ name, ms, share: ms / busyMs })).sort((a, b) => b.ms - a.ms);
  return { busyMs, idleMs, byFunction: ranked(fn), byModule: ranked(mod) };
}
