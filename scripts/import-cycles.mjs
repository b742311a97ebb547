#!/usr/bin/env node
// Fails (exit 1) when a module under the given folders imports itself through others, type-only
// imports included: `npm run lint` runs it over src/ and adapters/. Prints each cycle once.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** The project files a file imports, as TypeScript reads them: static, type-only, re-exports, `import()`. */
function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map(({ fileName }) => fileName)
    .filter((f) => f.startsWith('.'))
    .map((f) => resolve(dirname(file), f).replace(/\.js$/, '.ts'))
    .filter((f) => existsSync(f))
    .map((f) => relative(process.cwd(), f));
}

/** Every cycle in the graph of `dirs`, each as a list of files, by Tarjan's strongly connected components. */
export function importCycles(dirs) {
  const graph = new Map(dirs.flatMap(sources).map((f) => [relative(process.cwd(), resolve(f)), null]));
  for (const file of graph.keys()) graph.set(file, importsOf(file).filter((d) => graph.has(d)));
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const connect = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) !== idx.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) connect(v);
  return cycles;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dirs = process.argv.slice(2);
  const cycles = importCycles(dirs.length > 0 ? dirs : ['src', 'adapters']);
  for (const c of cycles) console.error(`import cycle: ${c.join(' ↔ ')}`);
  if (cycles.length > 0) process.exit(1);
}
