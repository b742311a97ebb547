import { z } from 'zod';
import type { Collection, CollectionName, Store } from '../store/port.js';
import type { Platform, Where } from './invocation.js';
import type { ArgSpec, CommandSpec } from './spec.js';

/**
 * Several TWCC projects in one deployment (TWCC_PROJECT=GOV108009,AI0912345; LOCAL_PROJECTS on the
 * embedded registry). The kernel resolves "the project of this invocation" once, in its dispatch, and
 * builds that invocation's services on the project's own backend and a view of the store scoped to
 * the project: links and roles, stored logins, pending records, the audit log, rate-limit counters and
 * settings of project A are never read by an invocation of project B. One project: nothing here runs.
 */

/** A project's plan code as typed (`gov108009` is `GOV108009`). */
export const PROJECT_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const ProjectCode = z
  .string()
  .regex(PROJECT_CODE)
  .transform((s) => s.toUpperCase());

/** What `/tenant project` does besides saying which project applies. */
export const ProjectAction = z.enum(['bind', 'bind-workspace', 'unbind', 'unbind-workspace', 'approvals']);
export type ProjectAction = z.infer<typeof ProjectAction>;

/** How the project of an invocation was found, for `/tenant project` and the refusals. */
export type ProjectWhy = 'only' | 'channel' | 'workspace' | 'asked' | 'member' | 'none';

/** The project of one invocation, as handlers, flows and listeners see it (`services.project`). */
export interface ProjectContext {
  /** The plan code (`GOV108009`); with `why: 'none'` (nothing applies), the first project's, for help only. */
  readonly code: string;
  /** Every project of the deployment, in TWCC_PROJECT's (or LOCAL_PROJECTS') order. */
  readonly codes: readonly string[];
  /** More than one project: every reply and card names its project. */
  readonly several: boolean;
  readonly why: ProjectWhy;
  /** With `why: 'none'`: the projects the caller is a member of (none, or several). */
  readonly memberOf?: readonly string[];
}

/** A channel's, or a whole workspace's (Discord: guild's), project. */
export const Binding = z.object({ project: z.string(), by: z.string(), at: z.string() });
export type Binding = z.infer<typeof Binding>;

export type BindingScope = 'channel' | 'workspace';

/** A channel is bound in its workspace (the Discord guild is part of the key: two guilds, one application). */
const bindingId = (platform: Platform, where: Where, scope: BindingScope): string =>
  scope === 'channel' ? `project:${platform}:${where.workspace}:${where.channelId}` : `project:${platform}:${where.workspace}`;

/** The bindings, kept outside every project's scope (they choose it) in the deployment's `settings`. */
export class ProjectBindings {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  private get records(): Collection<Binding> {
    return this.store.collection<Binding>('settings');
  }

  /** The channel's binding, else its workspace's. */
  async of(platform: Platform, where: Where): Promise<(Binding & { scope: BindingScope }) | undefined> {
    for (const scope of ['channel', 'workspace'] as const) {
      const raw = await this.records.get(bindingId(platform, where, scope));
      if (raw) return { ...Binding.parse(raw), scope };
    }
    return undefined;
  }

  /** The binding of exactly this scope (a channel's own, not its workspace's). */
  async exactly(platform: Platform, where: Where, scope: BindingScope): Promise<Binding | undefined> {
    const raw = await this.records.get(bindingId(platform, where, scope));
    return raw ? Binding.parse(raw) : undefined;
  }

  async bind(platform: Platform, where: Where, scope: BindingScope, project: string, by: string): Promise<void> {
    await this.records.put(bindingId(platform, where, scope), { project, by, at: new Date(this.now()).toISOString() });
  }

  async unbind(platform: Platform, where: Where, scope: BindingScope): Promise<boolean> {
    return this.records.delete(bindingId(platform, where, scope));
  }
}

/**
 * Takes `--project <code>` (or `--project=<code>`) out of a command's text: the kernel's, for every
 * command; what is left is parsed by the subcommand's spec as before.
 */
export function takeProjectOption(text: string): { text: string; project?: string; bad?: string } {
  const m = /(^|\s)--project(?:=|\s+)(\S*)/.exec(text);
  if (!m) return { text };
  const rest = `${text.slice(0, m.index)}${m[1]}${text.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim();
  const code = ProjectCode.safeParse(m[2]);
  return code.success ? { text: rest, project: code.data } : { text: rest, bad: m[2] ?? '' };
}

/** A stored record of a project other than the first: the id beside it, so that `values()` keeps to its project. */
interface Scoped<T> {
  '@project': string;
  id: string;
  record: T;
}

const isScoped = (v: unknown): v is Scoped<unknown> => typeof v === 'object' && v !== null && '@project' in v;

/**
 * The store as one project sees it. The first project keeps the records as they were (a deployment that
 * adds a second project keeps its links, keys and audit log), and only skips the others'; every other
 * project's ids, claims and counters are prefixed `@CODE/`, its records wrapped with their id.
 */
export function projectStore(store: Store, project: string, first: boolean): Store {
  if (first) {
    return {
      ...bind(store),
      collection<T>(name: CollectionName): Collection<T> {
        const c = store.collection<T>(name);
        return {
          ...bindCollection(c),
          get: async (id) => {
            const v = await c.get(id);
            return isScoped(v) ? undefined : v;
          },
          getMany: async (ids) => (await c.getMany(ids)).map((v) => (isScoped(v) ? undefined : v)),
          values: async () => (await c.values()).filter((v) => !isScoped(v)),
        };
      },
    };
  }
  const prefix = `@${project}/`;
  return {
    kind: store.kind,
    claim: (key, ttlMs) => store.claim(`${prefix}${key}`, ttlMs),
    increment: (key, windowMs) => store.increment(`${prefix}${key}`, windowMs),
    count: (key) => store.count(`${prefix}${key}`),
    ping: () => store.ping(),
    close: () => store.close(),
    collection<T>(name: CollectionName): Collection<T> {
      const c = store.collection<Scoped<T>>(name);
      const unwrap = (v: Scoped<T> | undefined): T | undefined => (v && isScoped(v) && v['@project'] === project ? v.record : undefined);
      const mine = async (): Promise<Scoped<T>[]> => (await c.values()).filter((v) => isScoped(v) && v['@project'] === project);
      return {
        get: async (id) => unwrap(await c.get(`${prefix}${id}`)),
        getMany: async (ids) => (await c.getMany(ids.map((id) => `${prefix}${id}`))).map(unwrap),
        put: (id, value, ttlMs) => c.put(`${prefix}${id}`, { '@project': project, id, record: value }, ttlMs),
        delete: (id) => c.delete(`${prefix}${id}`),
        has: (id) => c.has(`${prefix}${id}`),
        values: async () => (await mine()).map((v) => v.record),
        clear: async () => {
          for (const v of await mine()) await c.delete(`${prefix}${v.id}`);
        },
      };
    },
  };
}

/** The store's methods, bound (a spread of a class instance would lose them). */
function bind(store: Store): Store {
  return {
    kind: store.kind,
    claim: (key, ttlMs) => store.claim(key, ttlMs),
    increment: (key, windowMs) => store.increment(key, windowMs),
    count: (key) => store.count(key),
    ping: () => store.ping(),
    close: () => store.close(),
    collection: (name) => store.collection(name),
  };
}

function bindCollection<T>(c: Collection<T>): Collection<T> {
  return {
    get: (id) => c.get(id),
    getMany: (ids) => c.getMany(ids),
    put: (id, value, ttlMs) => c.put(id, value, ttlMs),
    delete: (id) => c.delete(id),
    has: (id) => c.has(id),
    values: () => c.values(),
    clear: () => c.clear(),
  };
}

/**
 * ADMINS entries for one project: an entry may name its project first (`GOV108009:slack:U1`,
 * `GOV108009:anna=slack:U1+discord:2`); one that names none is an admin of every project.
 */
export function adminsOfProject(entries: readonly string[], project: string): string[] {
  return entries.flatMap((entry) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_-]{0,31}):(.+)$/.exec(entry);
    // `slack:U1` names a platform, and `anna=slack:U1` no project (a code holds no `=`).
    if (!m || ['slack', 'discord', 'local'].includes(m[1]!)) return [entry];
    return m[1]!.toUpperCase() === project ? [m[2]!] : [];
  });
}

/** The `project` option every subcommand but help takes (Discord's typed option) when there are several projects. */
const projectOption = (codes: readonly string[]): ArgSpec => ({ name: 'project', kind: 'project', optional: true, description: `The project to act on: ${codes.join(', ')}` });

/**
 * The commands as a deployment of `codes` offers them: with one project, without the subcommands for
 * several; with several, every subcommand but help takes `project` (on Discord; typed, `--project`).
 * The core's `commands` and `discord:register` both come from here.
 */
export function specsForProjects(specs: readonly CommandSpec[], codes: readonly string[]): CommandSpec[] {
  if (codes.length < 2) return specs.map((spec) => ({ ...spec, subcommands: spec.subcommands.filter((s) => !s.severalProjects) }));
  return specs.map((spec) => ({
    ...spec,
    subcommands: spec.subcommands.map((s) => (s.name === 'help' || s.args.some((a) => a.kind === 'project') ? s : { ...s, args: [...s.args, projectOption(codes)] })),
  }));
}
