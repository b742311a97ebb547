import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake TWCC API gateway on 127.0.0.1 (node:http), enough of it for the twcc backend: users of both
 * roles with their own keys, projects per site, project and member quotas, API keys. It checks what
 * the real gateway checks (x-api-key, x-api-host, trailing slashes, roles), records every request,
 * and can be told to be slow or to fail.
 */

export interface FakeUsage {
  usage: number;
  quota: number;
}
export interface FakeResources {
  cpu: FakeUsage;
  gpu: FakeUsage;
  memory: FakeUsage;
}

export interface FakeKey {
  id: number;
  key: string;
  created_at: number;
  expired_time: number;
  status: 'active' | 'disabled';
  /** The account's main key: TWCC refuses to delete it (405). */
  main: boolean;
  /** The plan code the key belongs to; the fake project's by default. */
  project?: string;
  /** The key's name (newer TWCC key records); sent only with `quirks.keyNames`. */
  name?: string;
}

/**
 * Switches for what the live gateway is reported to do (twcc-api.md, "Quirks"); each defaults to
 * the documented behaviour and may be flipped at any time during a test.
 */
export interface FakeQuirks {
  /** `/api/v2/users/…`: as documented, gone (404), a 302 to the login page, or 200 `{message}` (no list). */
  usersEndpoint: 'ok' | 404 | 'redirect' | 'message';
  /** `GET /api_key/` wraps its list as `{"data": […]}`. */
  keyEnvelope: boolean;
  /** How key times are written: epoch seconds, epoch milliseconds, or ISO strings. */
  keyTimes: 'seconds' | 'ms' | 'iso';
  /** Under which names key times are sent. */
  keyTimeFields: { created: string; expires: string };
  /** Key items carry `name`. */
  keyNames: boolean;
  /** Key items name their owner as `user: {id, username}`, as `user_id`, or not at all. */
  keyOwner: 'user' | 'user_id' | 'none';
  /** Every `/api/v3/` call answers 401 `[i-service] no quota to request resource`. */
  creditExhausted: boolean;
  /** Sites whose project answers 503 `50301: The project {id} does not exist`. */
  projectGone: string[];
  /** Requests matching this answer 200 `{"message": "no route and no API found with those values"}` and change nothing. */
  noRoute?: (r: RecordedRequest) => boolean;
}

export interface FakeUser {
  id: string;
  username: string;
  display_name: string;
  email: string;
  /** Role in the fake project; null: not a member. */
  role: 'tenant_admin' | 'admin' | 'member' | null;
  /** Roles in the fake's second project (`secondProject`), by plan code; absent: not a member. */
  otherRoles?: Record<string, 'tenant_admin' | 'admin' | 'member'>;
  /** Quotas in the second project, per site (made from `quotas` when first read). */
  otherQuotas?: Record<string, Record<string, FakeResources>>;
  keys: FakeKey[];
  /** Per site; memory in MB. */
  quotas: Record<string, FakeResources>;
  /** The main key's secret, to log in with. */
  apiKey: string;
  /** A key of this user that expired yesterday. */
  expiredKey: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
}

/**
 * What `failNext` does to a request: answer this status; answer 200 with broken JSON; answer 302 to
 * the login page; `lost`: carry the request out, then drop the connection without an answer; or
 * answer exactly `{status, body}`.
 */
export type FakeFailure = number | 'malformed' | 'redirect' | 'lost' | { status: number; body: unknown };

export interface FakeTwccOptions {
  project?: string;
  vcsSite?: string;
  ccsSite?: string;
  /** Generated members (role member) besides admin, alice, bob and outsider. */
  extraMembers?: number;
  /** The all-members `user_quotas` listing carries only `user` per row. */
  summaryListing?: boolean;
  /** `GET /api_key/` masks the keys (by default it shows them whole, the worst case). */
  maskKeysInList?: boolean;
  now?: () => number;
  /** A second project the gateway serves too (TWCC_PROJECT as a list): one account may be a member of both, with another role in each. */
  secondProject?: string;
}

export interface FakeTwcc {
  url: string;
  requests: RecordedRequest[];
  /** admin (tenant_admin), alice and bob (member), outsider (no project), m001… (extra members). */
  users: Record<string, FakeUser>;
  project: { name: string; ids: Record<string, number>; quotas: Record<string, FakeResources> };
  /** The second project, with `secondProject`. */
  second?: { name: string; ids: Record<string, number>; quotas: Record<string, FakeResources> };
  sites: { vcs: string; ccs: string };
  /** Flip these to make the fake behave as the live gateway is reported to. */
  quirks: FakeQuirks;
  /** Carries out the next `times` requests matching `when`, then answers each `ms` late. */
  answerLate(ms: number, times?: number, when?: (r: RecordedRequest) => boolean): void;
  /** Gives the project a new id on `site` (TWCC then answers the old one with 40401). */
  renumberProject(site: string, id: number): void;
  /** Adds a key to a user (another project's, a disabled one, a named one). */
  addKey(user: string, key?: Partial<Omit<FakeKey, 'id'>>): FakeKey;
  /** Requests that reached the "login page" the 302s point to. */
  loginPageRequests: RecordedRequest[];
  /** Most requests in flight at once since start (or since `resetStats`). */
  readonly maxInFlight: number;
  resetStats(): void;
  /** Delays every answer by `ms`. */
  setDelay(ms: number): void;
  /** Until the returned function is called, requests are recorded but not carried out (after any delay). */
  hold(): () => void;
  /** Resolves once every request received so far has been carried out (answered, or its client gone). */
  idle(): Promise<void>;
  /** Resolves once every request received so far has been carried out: a delayed one still runs after its client has gone. */
  carriedOut(): Promise<void>;
  /** The next `times` requests (matching `when`, if given) fail so, after being recorded. */
  failNext(failure: FakeFailure, times?: number, when?: (r: RecordedRequest) => boolean): void;
  close(): Promise<void>;
}

const DAY_S = 24 * 60 * 60;
const USERS_SITE = 'goc';
const API_KEY_SITE = 'admin';

const usage = (u: number, q: number): FakeUsage => ({ usage: u, quota: q });
const secret = () => randomBytes(20).toString('hex');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body };
}

export async function startFakeTwcc(opts: FakeTwccOptions = {}): Promise<FakeTwcc> {
  const now = () => Math.floor((opts.now ?? Date.now)() / 1000);
  const projectName = opts.project ?? 'GOV108009';
  const sites = { vcs: opts.vcsSite ?? 'openstack-taichung-default-2', ccs: opts.ccsSite ?? 'k8s-D-twcc' };
  const siteNames = [sites.vcs, sites.ccs];
  const project = {
    name: projectName,
    ids: { [sites.vcs]: 1234, [sites.ccs]: 5678 } as Record<string, number>,
    quotas: {
      [sites.vcs]: { cpu: usage(40.5, 256), gpu: usage(6, 32), memory: usage(81920, 1048576) },
      [sites.ccs]: { cpu: usage(8, 128), gpu: usage(2, 16), memory: usage(16384, -1) },
    } as Record<string, FakeResources>,
  };

  type FakeProject = typeof project;
  const second: FakeProject | undefined = opts.secondProject
    ? { name: opts.secondProject, ids: { [sites.vcs]: 2234, [sites.ccs]: 6678 }, quotas: structuredClone(project.quotas) }
    : undefined;
  const projects: FakeProject[] = [project, ...(second ? [second] : [])];
  const roleIn = (u: FakeUser, p: FakeProject): FakeUser['role'] => (p === project ? u.role : (u.otherRoles?.[p.name] ?? null));
  const quotasIn = (u: FakeUser, p: FakeProject, site: string): FakeResources =>
    p === project ? u.quotas[site]! : ((u.otherQuotas ??= {})[p.name] ??= structuredClone(u.quotas))[site]!;

  let nextKeyId = 100;
  const makeUser = (name: string, username: string, role: FakeUser['role'], quotas: FakeResources): FakeUser => {
    const t = now();
    const main: FakeKey = { id: nextKeyId++, key: secret(), created_at: t - 400 * DAY_S, expired_time: t + 300 * DAY_S, status: 'active', main: true };
    const expired: FakeKey = { id: nextKeyId++, key: secret(), created_at: t - 100 * DAY_S, expired_time: t - DAY_S, status: 'active', main: false };
    return {
      id: `${name}-${randomBytes(4).toString('hex')}-4a1b-8c2d-${randomBytes(6).toString('hex')}`,
      username,
      display_name: name[0]!.toUpperCase() + name.slice(1),
      email: `${username}@example.test`,
      role,
      keys: [main, expired],
      quotas: { [sites.vcs]: structuredClone(quotas), [sites.ccs]: structuredClone(quotas) },
      apiKey: main.key,
      expiredKey: expired.key,
    };
  };
  const users: Record<string, FakeUser> = {
    admin: makeUser('admin', 'u_admin01', 'tenant_admin', { cpu: usage(4, -1), gpu: usage(1, 8), memory: usage(8192, 131072) }),
    alice: makeUser('alice', 'u_alice88', 'member', { cpu: usage(1.5, 16), gpu: usage(0, 2), memory: usage(2048.5, 65536) }),
    bob: makeUser('bob', 'u_bob42', 'member', { cpu: usage(0, 8), gpu: usage(0, 1), memory: usage(0, 32768) }),
    outsider: makeUser('outsider', 'u_out07', null, { cpu: usage(0, 0), gpu: usage(0, 0), memory: usage(0, 0) }),
  };
  // alice has a second, ordinary key besides her main one.
  users.alice!.keys.push({ id: nextKeyId++, key: secret(), created_at: now() - 10 * DAY_S, expired_time: now() + 20 * DAY_S, status: 'active', main: false });
  for (let i = 1; i <= (opts.extraMembers ?? 0); i++) {
    const n = String(i).padStart(3, '0');
    users[`m${n}`] = makeUser(`m${n}`, `u_m${n}`, 'member', { cpu: usage(i % 5, 8), gpu: usage(0, 1), memory: usage(1024 * (i % 3), 32768) });
  }

  const requests: RecordedRequest[] = [];
  const loginPageRequests: RecordedRequest[] = [];
  const failures: { failure: FakeFailure; when?: (r: RecordedRequest) => boolean }[] = [];
  const quirks: FakeQuirks = {
    usersEndpoint: 'ok',
    keyEnvelope: false,
    keyTimes: 'seconds',
    keyTimeFields: { created: 'created_at', expires: 'expired_time' },
    keyNames: false,
    keyOwner: 'user',
    creditExhausted: false,
    projectGone: [],
  };
  const late: { ms: number; when?: (r: RecordedRequest) => boolean }[] = [];
  let delayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const loginPage = createServer((req, res) => {
    void readRequest(req).then((r) => {
      loginPageRequests.push(r);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>TWCC login</body></html>');
    });
  });
  const loginUrl = `${await listen(loginPage)}/login/`;

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    if (body === undefined) res.writeHead(status, headers).end();
    else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const unauthorized = (res: ServerResponse, expired = false) =>
    send(res, 401, { message: `Your request is unauthorized${expired ? '. Key is expired.' : ''}` });
  const noPermission = (res: ServerResponse) => send(res, 403, { message: '40301: You do not have permission to perform this action.' });

  const time = (seconds: number) => (quirks.keyTimes === 'ms' ? seconds * 1000 : quirks.keyTimes === 'iso' ? new Date(seconds * 1000).toISOString() : seconds);
  const keyItem = (k: FakeKey, masked: boolean, owner: FakeUser) => ({
    id: k.id,
    key: masked ? `${k.key.slice(0, 4)}${'*'.repeat(k.key.length - 8)}${k.key.slice(-4)}` : k.key,
    project: k.project ?? projectName,
    [quirks.keyTimeFields.created]: time(k.created_at),
    [quirks.keyTimeFields.expires]: time(k.expired_time),
    status: k.status,
    ...(quirks.keyNames && k.name ? { name: k.name } : {}),
    ...(quirks.keyOwner === 'user' ? { user: { id: owner.id, username: owner.username } } : quirks.keyOwner === 'user_id' ? { user_id: owner.id } : {}),
  });
  const quotaRow = (u: FakeUser, site: string, p: FakeProject = project) => ({
    user: { id: u.id, display_name: u.display_name, username: u.username, email: u.email },
    ...quotasIn(u, p, site),
  });
  const members = (p: FakeProject = project) => Object.values(users).filter((u) => roleIn(u, p) !== null);
  const projectOn = (site: string, id: string | undefined) => projects.find((p) => String(p.ids[site]) === id);
  const byId = (id: string) => Object.values(users).find((u) => u.id === id);

  function route(req: RecordedRequest, res: ServerResponse): void {
    if (!req.path.endsWith('/')) {
      const q = new URLSearchParams(req.query).toString();
      return send(res, 301, undefined, { location: `${req.path}/${q ? `?${q}` : ''}` });
    }
    const m = (re: RegExp) => re.exec(req.path);
    type Handler = (caller: FakeUser, params: string[]) => void;
    const usersGone = (): boolean => {
      if (quirks.usersEndpoint === 'ok') return false;
      if (quirks.usersEndpoint === 404) send(res, 404, { detail: 'Not found.' });
      else if (quirks.usersEndpoint === 'redirect') send(res, 302, undefined, { location: loginUrl });
      else send(res, 200, { message: 'no route and no API found with those values' });
      return true;
    };
    const routes: [RegExp, (params: string[]) => string, Partial<Record<string, Handler>>][] = [
      [/^\/api\/v2\/users\/$/, () => USERS_SITE, { GET: (caller) => usersGone() || send(res, 200, [{ id: caller.id, username: caller.username, display_name: caller.display_name, email: caller.email }]) }],
      [
        /^\/api\/v2\/users\/([^/]+)\/$/,
        () => USERS_SITE,
        {
          GET: (caller, [id]) => {
            if (usersGone()) return;
            if (id !== caller.id) return noPermission(res);
            const associating_projects = [
              { id: 77, name: 'OTHER1234', platform: 'twcc', role: 'tenant_admin' },
              ...projects.flatMap((p, i) => {
                const role = roleIn(caller, p);
                return role ? [{ id: 42 + i, name: p.name, platform: 'twcc', role }] : [];
              }),
            ];
            send(res, 200, { id: caller.id, username: caller.username, email: caller.email, associating_projects });
          },
        },
      ],
      [
        /^\/api\/v3\/([^/]+)\/projects\/$/,
        ([site]) => site!,
        {
          GET: (caller, [site]) => {
            const p = projects.find((x) => x.name === (req.query['name'] ?? projectName));
            const id = p?.ids[site!];
            const visible = p !== undefined && roleIn(caller, p) !== null && id !== undefined;
            send(res, 200, visible ? [{ id, name: p.name, platform: 'twcc', status: 'active' }] : []);
          },
        },
      ],
      [
        /^\/api\/v3\/([^/]+)\/project_quotas\/$/,
        ([site]) => site!,
        {
          GET: (caller, [site]) => {
            const p = projectOn(site!, req.query['project']);
            if (!p) return send(res, 404, { message: `40401: Project ${req.query['project']} not found` });
            if (roleIn(caller, p) === null) return noPermission(res);
            send(res, 200, [{ project: { id: p.ids[site!], name: p.name }, ...p.quotas[site!]! }]);
          },
        },
      ],
      [
        /^\/api\/v3\/([^/]+)\/projects\/([^/]+)\/user_quotas\/$/,
        ([site]) => site!,
        {
          GET: (caller, [site, pid]) => {
            const p = projectOn(site!, pid);
            if (!p) return send(res, 404, { message: `40401: Project ${pid} not found` });
            const role = roleIn(caller, p);
            if (role === null) return noPermission(res);
            const who = req.query['user'];
            if (who === undefined) {
              if (role === 'member') return noPermission(res);
              return send(res, 200, members(p).map((u) => (opts.summaryListing ? { user: quotaRow(u, site!, p).user } : quotaRow(u, site!, p))));
            }
            if (role === 'member' && who !== caller.id) return noPermission(res);
            const target = byId(who);
            send(res, 200, target && roleIn(target, p) !== null ? [quotaRow(target, site!, p)] : []);
          },
          PATCH: (caller, [site, pid]) => {
            const p = projectOn(site!, pid);
            if (!p) return send(res, 404, { message: `40401: Project ${pid} not found` });
            if (roleIn(caller, p) === 'member') return noPermission(res);
            const target = byId(req.query['user'] ?? '');
            if (!target || roleIn(target, p) === null) return send(res, 404, { message: 'user not found in project' });
            const body = req.body as Record<string, unknown> | undefined;
            const q = quotasIn(target, p, site!);
            for (const r of ['cpu', 'gpu', 'memory'] as const) {
              const v = body?.[r];
              if (v === undefined) continue;
              if (typeof v !== 'number') return send(res, 400, { message: `${r} must be a number` });
              q[r].quota = v;
            }
            send(res, 200, quotaRow(target, site!, p));
          },
        },
      ],
      [
        /^\/api_key\/$/,
        () => API_KEY_SITE,
        {
          GET: (caller) => {
            const all = req.query['show_all'] === 'true';
            const items = caller.keys.filter((k) => all || k.status === 'active').map((k) => keyItem(k, opts.maskKeysInList ?? false, caller));
            send(res, 200, quirks.keyEnvelope ? { data: items } : items);
          },
          POST: (caller) => {
            const t = now();
            // A new key belongs to the project of the key that made it (TWCC keys are per project).
            const made = caller.keys.find((x) => x.key === req.headers['x-api-key'])?.project;
            const k: FakeKey = { id: nextKeyId++, key: secret(), created_at: t, expired_time: t + 30 * DAY_S, status: 'active', main: false, ...(made ? { project: made } : {}) };
            caller.keys.push(k);
            send(res, 201, keyItem(k, false, caller));
          },
        },
      ],
      [
        /^\/api_key\/([^/]+)\/$/,
        () => API_KEY_SITE,
        {
          PATCH: (caller, [id]) => {
            const k = caller.keys.find((x) => String(x.id) === id);
            if (!k) return send(res, 404, { detail: 'Not found.' });
            const days = (req.body as { reset_expired_days?: unknown } | undefined)?.reset_expired_days;
            if (typeof days !== 'number' || !Number.isInteger(days) || days <= 0) return send(res, 400, { message: 'reset_expired_days must be a positive integer' });
            k.expired_time = Math.max(now(), k.expired_time) + days * DAY_S;
            send(res, 200, keyItem(k, true, caller));
          },
          DELETE: (caller, [id]) => {
            const i = caller.keys.findIndex((x) => String(x.id) === id);
            if (i < 0) return send(res, 404, { detail: 'Not found.' });
            if (caller.keys[i]!.main) return send(res, 405, { detail: 'Method "DELETE" not allowed.' });
            caller.keys.splice(i, 1);
            send(res, 204);
          },
        },
      ],
    ];

    for (const [re, hostOf, handlers] of routes) {
      const match = m(re);
      if (!match) continue;
      const params = match.slice(1).map((p) => decodeURIComponent(p));
      // The gateway checks the key first, then where the request is meant to go.
      const key = req.headers['x-api-key'];
      if (!key) return unauthorized(res);
      const caller = Object.values(users).find((u) => u.keys.some((k) => k.key === key && k.status === 'active'));
      if (!caller) return unauthorized(res);
      if (caller.keys.find((k) => k.key === key)!.expired_time < now()) return unauthorized(res, true);
      const host = hostOf(params);
      if (quirks.creditExhausted && req.path.startsWith('/api/v3/')) return send(res, 401, { message: '[i-service] no quota to request resource' });
      const pid = /^\/api\/v3\/([^/]+)\/(?:projects\/(\d+)\/|project_quotas\/)/.exec(req.path);
      const site = pid?.[1] ? decodeURIComponent(pid[1]) : undefined;
      if (site && quirks.projectGone.includes(site)) return send(res, 503, { message: `50301: The project ${pid?.[2] ?? req.query['project']} does not exist` });
      if (req.headers['x-api-host'] !== host || (req.path.startsWith('/api/v3/') && !siteNames.includes(host))) return noPermission(res);
      const handler = handlers[req.method];
      if (!handler) return send(res, 405, { detail: `Method "${req.method}" not allowed.` });
      return handler(caller, params);
    }
    // Unknown paths land on the portal, which sends the browser to log in.
    send(res, 302, undefined, { location: loginUrl });
  }

  // Requests received and not yet carried out, and who waits for there to be none.
  let unfinished = 0;
  const waitingForIdle: (() => void)[] = [];
  let held: Promise<void> | undefined;
  const server = createServer((req, res) => {
    unfinished++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    void (async () => {
      const recorded = await readRequest(req);
      requests.push(recorded);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (held) await held;
      const i = failures.findIndex((f) => !f.when || f.when(recorded));
      const failure = i < 0 ? undefined : failures.splice(i, 1)[0]!.failure;
      if (failure === 'malformed') return res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id": "broken",');
      if (failure === 'redirect') return send(res, 302, undefined, { location: loginUrl });
      if (typeof failure === 'number') return send(res, failure, { message: `fake failure ${failure}` });
      if (typeof failure === 'object') return send(res, failure.status, failure.body);
      if (quirks.noRoute?.(recorded)) return send(res, 200, { message: 'no route and no API found with those values' });
      const j = late.findIndex((l) => !l.when || l.when(recorded));
      if (j >= 0) {
        // Carried out now, answered later: what a client with a short deadline sees as "no answer".
        const { ms } = late.splice(j, 1)[0]!;
        let status = 200;
        let headers: Record<string, string> = {};
        const deferred = {
          writeHead: (st: number, h?: Record<string, string>) => ((status = st), (headers = h ?? {}), deferred),
          end: (body?: string) => void setTimeout(() => res.writeHead(status, headers).end(body), ms),
        } as unknown as ServerResponse;
        return route(recorded, deferred);
      }
      if (failure === 'lost') {
        const dropped = { writeHead: () => dropped, end: () => req.socket.destroy() } as unknown as ServerResponse;
        return route(recorded, dropped);
      }
      route(recorded, res);
    })()
      .catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { message: `fake TWCC crashed: ${String(err)}` });
      })
      .finally(() => {
        if (--unfinished === 0) for (const done of waitingForIdle.splice(0)) done();
      });
  });
  const url = await listen(server);

  return {
    url,
    requests,
    users,
    quirks,
    answerLate(ms, times = 1, when) {
      for (let i = 0; i < times; i++) late.push({ ms, ...(when ? { when } : {}) });
    },
    renumberProject(site, id) {
      project.ids[site] = id;
    },
    addKey(name, key = {}) {
      const t = now();
      const k: FakeKey = { id: nextKeyId++, key: secret(), created_at: t - DAY_S, expired_time: t + 60 * DAY_S, status: 'active', main: false, ...key };
      users[name]!.keys.push(k);
      return k;
    },
    project,
    ...(second ? { second } : {}),
    sites,
    loginPageRequests,
    get maxInFlight() {
      return maxInFlight;
    },
    resetStats() {
      maxInFlight = inFlight;
      requests.length = 0;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    hold() {
      let release!: () => void;
      held = new Promise<void>((done) => (release = done));
      return () => {
        held = undefined;
        release();
      };
    },
    idle() {
      return unfinished === 0 ? Promise.resolve() : new Promise<void>((done) => waitingForIdle.push(done));
    },
    carriedOut() {
      return unfinished === 0 ? Promise.resolve() : new Promise<void>((done) => waitingForIdle.push(done));
    },
    failNext(failure, times = 1, when) {
      for (let i = 0; i < times; i++) failures.push({ failure, ...(when ? { when } : {}) });
    },
    async close() {
      for (const s of [server, loginPage]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
