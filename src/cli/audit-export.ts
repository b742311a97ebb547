import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, projectCodes, type Config } from '../config.js';
import { projectStore } from '../core/projects.js';
import { StartupError } from '../startup/problem.js';
import { AuditLog } from '../core/audit.js';
import { csvHeader, toCsvLine, toJsonLine } from '../core/audit-event.js';
import { silentLogger } from '../log.js';
import { openStore, sqlitePath, type Store } from '../store/index.js';

/**
 * `npm run audit:export -- --since 2026-12-01 --out FILE [--format jsonl|csv]`: the audit log kept in the
 * configured store (STORE_URL, STORE_PREFIX, AUDIT_KEEP) written as JSON Lines or CSV, in the exported
 * event shape (src/core/audit-event.ts), read a page at a time and never written to: for cron and backups.
 */
export const AUDIT_EXPORT_USAGE = `Usage: npm run audit:export -- --out FILE [--since 2026-12-01] [--format jsonl|csv] [--project CODE]

Writes the audit log kept in the configured store (STORE_URL, STORE_PREFIX) to FILE, one event per
line (JSON Lines, the default) or as CSV with a header; times are UTC. The store is only read.
  --out FILE       where to write (replaced when the export is complete; mode 600)
  --since DATE     only events from this date (UTC midnight) or RFC 3339 time on
  --format F       jsonl (default) or csv
  --project CODE   with several projects (TWCC_PROJECT or LOCAL_PROJECTS a list): only this one's
                   events (default: every project's, one project after another; each event names its)
`;

const Since = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i, 'must be a date (2026-12-01) or an RFC 3339 time')
  .transform((s) => Date.parse(/T/i.test(s) ? s : `${s}T00:00:00Z`))
  .pipe(z.number({ error: 'must be a real date' }).int());

const Options = z.object({
  out: z.string({ error: '--out FILE is required' }).min(1, '--out FILE is required'),
  since: Since.optional(),
  format: z.enum(['jsonl', 'csv'], { error: '--format must be jsonl or csv' }).default('jsonl'),
  project: z.string().min(1).optional(),
});
export type AuditExportOptions = z.infer<typeof Options>;

/** The arguments after `--`, checked; a usage error names what is wrong. */
export function parseAuditExportArgs(argv: string[]): { ok: true; options: AuditExportOptions } | { ok: false; error: string } | { ok: 'help' } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' }, project: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { ok: 'help' };
  const parsed = Options.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0] === undefined ? '' : `--${String(issue.path[0])}: `;
    return { ok: false, error: `${flag}${issue.message}`.replace(/^--out: --out/, '--out') };
  }
  return { ok: true, options: parsed.data };
}

/** The store, refusing every write: the export only reads, and a mistake here must not change a thing. */
export function readOnly(store: Store): Store {
  const refuse = (what: string) => () => Promise.reject(new Error(`audit export is read-only: ${what} refused`));
  return {
    kind: store.kind,
    collection: <T>(name: Parameters<Store['collection']>[0]) => {
      const c = store.collection<T>(name);
      return { get: c.get, getMany: c.getMany, has: c.has, values: c.values, put: refuse('put'), delete: refuse('delete'), clear: refuse('clear') } as typeof c;
    },
    claim: refuse('claim'),
    increment: refuse('increment'),
    count: (key) => store.count(key),
    ping: refuse('ping'),
    close: () => store.close(),
  };
}

/** Exports to `options.out` (through a `.partial` file renamed at the end); resolves with the one-line summary. */
export async function exportAudit(
  config: Pick<Config, 'STORE_URL' | 'STORE_PREFIX' | 'AUDIT_KEEP' | 'BACKEND' | 'TWCC_PROJECT' | 'LOCAL_PROJECTS'>,
  options: AuditExportOptions,
): Promise<string> {
  // Several projects: each has its own log in the store (src/core/projects.ts); a wrong --project is said before anything is opened.
  const codes = projectCodes(config);
  const several = codes.length > 1;
  const wanted = options.project?.toUpperCase();
  if (wanted && !codes.some((c) => c.toUpperCase() === wanted)) throw new Error(`--project ${options.project}: not one of this deployment's projects (${codes.join(', ')})`);
  const sqlite = sqlitePath(config.STORE_URL);
  // Opening a SQLite file that is not there would make an empty one: a wrong path is said, not exported as nothing.
  if (sqlite !== undefined && sqlite !== ':memory:' && !existsSync(sqlite)) throw new Error(`STORE_URL names no store: ${resolve(sqlite)} does not exist`);
  const store = readOnly(await openStore(config.STORE_URL, config.STORE_PREFIX ? { prefix: config.STORE_PREFIX } : {}));
  const single = config.BACKEND === 'twcc' && config.TWCC_PROJECT ? config.TWCC_PROJECT : 'local';
  const logs = several
    ? codes.flatMap((code, i) => {
        if (wanted && code.toUpperCase() !== wanted) return [];
        return [new AuditLog(projectStore(store, code, i === 0), Date.now, silentLogger(), config.AUDIT_KEEP, code, true)];
      })
    : [new AuditLog(store, Date.now, silentLogger(), config.AUDIT_KEEP, single)];
  const partial = `${options.out}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const closed = new Promise<void>((res, rej) => {
    out.once('close', res);
    out.once('error', rej);
  });
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    if (options.format === 'csv') await write(csvHeader());
    const summary: { entries: number; first?: string; last?: string } = { entries: 0 };
    for (const log of logs) {
      const one = await log.export(options.since, (e) => write(options.format === 'csv' ? toCsvLine(e) : toJsonLine(e)));
      summary.entries += one.entries;
      if (one.entries > 0) {
        if (!summary.first || one.first! < summary.first) summary.first = one.first!;
        if (!summary.last || one.last! > summary.last) summary.last = one.last!;
      }
    }
    out.end();
    await closed;
    await rename(partial, options.out);
    const span = summary.entries > 0 ? `, from ${summary.first} to ${summary.last}` : '';
    return `audit export: ${summary.entries} ${summary.entries === 1 ? 'event' : 'events'}${span} (UTC), ${options.format}, written to ${options.out}`;
  } catch (err) {
    out.destroy();
    await closed.catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  } finally {
    await store.close();
  }
}

async function main(): Promise<number> {
  const args = parseAuditExportArgs(process.argv.slice(2));
  if (args.ok === 'help') {
    process.stdout.write(AUDIT_EXPORT_USAGE);
    return 0;
  }
  if (!args.ok) {
    process.stderr.write(`audit export: ${args.error}\n\n${AUDIT_EXPORT_USAGE}`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`audit export: ${err instanceof StartupError ? err.message : String(err)}\n`);
    return 2;
  }
  try {
    process.stderr.write(`${await exportAudit(config, args.options)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`audit export failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('cli/audit-export.js')) {
  process.exitCode = await main();
}
