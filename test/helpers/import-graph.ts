import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve('.');

/** Every .ts file under `dir`, relative to the project root. */
export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * What a file imports, as TypeScript itself reads it: static, type-only, multi-line, re-exports and
 * dynamic `import()`. A relative import is resolved to the project file it names (`src/core/x.ts`).
 */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return fileName;
    const target = resolve(dirname(file), fileName).replace(/\.js$/, '.ts');
    return relative(ROOT, existsSync(target) ? target : resolve(dirname(file), fileName));
  });
}

/** Every module reachable from `roots` (project files are followed; packages are leaves). */
export function importGraph(roots: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const todo = roots.map((r) => relative(ROOT, resolve(r)));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (graph.has(file) || !file.endsWith('.ts')) continue;
    const deps = importsOf(file);
    graph.set(file, deps);
    todo.push(...deps.filter((d) => d.endsWith('.ts')));
  }
  return graph;
}

/** The chain of imports from a root to the first module `bad` accepts, for a readable failure. */
export function forbiddenPaths(roots: string[], bad: (spec: string) => boolean): string[] {
  const found: string[] = [];
  for (const root of roots) {
    const seen = new Set<string>();
    const walk = (file: string, path: string[]): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const dep of importGraph([file]).get(file) ?? []) {
        if (bad(dep)) found.push([...path, file, dep].join(' → '));
        else if (dep.endsWith('.ts')) walk(dep, [...path, file]);
      }
    };
    walk(relative(ROOT, resolve(root)), []);
  }
  return [...new Set(found)];
}
