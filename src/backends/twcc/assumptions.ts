/**
 * Every TWCC endpoint and field this client relies on, in one place (see ../shared/twcc-api.md),
 * each with its source:
 * - DOCUMENTED: in the TWCC CLI, the OpenAPI files of twcc/man-vip, or the Terraform provider;
 * - REPORTED: seen against the live gateway by a 2026 third-party CLI (twcc-api.md, "Quirks");
 * - ASSUMED: no public source; a wrong guess must fail with a message that names what was received
 *   (schemas.ts does that), and this is the one file to fix when TWCC differs.
 * test/backends/twcc/assumptions.test.ts covers each variant against the fake TWCC.
 */

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One call: method, a path that ends with `/`, the query, and the `x-api-host` it must carry. */
export interface Endpoint {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  host: string;
}

/** `x-api-host` of `/api/v2/users/…` (documented). */
export const USERS_SITE = 'goc';
/** `x-api-host` of `/api_key/…` (documented). */
export const API_KEY_SITE = 'admin';

const seg = (value: string) => encodeURIComponent(value);

export const endpoints = {
  /**
   * DOCUMENTED (2023 CLI): `[0]` is the caller. REPORTED: may be gone (3xx, 404, or a 200 that is not
   * an array); login then falls back to the v3 calls (`LOGIN_FALLBACK`).
   */
  currentUser: (): Endpoint => ({ method: 'GET', path: '/api/v2/users/', host: USERS_SITE }),
  /** DOCUMENTED: `{id, username, associating_projects: [{name, role}]}`; REPORTED: may be gone with the above. */
  userDetail: (userId: string): Endpoint => ({ method: 'GET', path: `/api/v2/users/${seg(userId)}/`, host: USERS_SITE }),
  /** DOCUMENTED: the same plan code has a different project id on each site. */
  projectsByName: (site: string, plan: string): Endpoint => ({
    method: 'GET',
    path: `/api/v3/${seg(site)}/projects/`,
    query: { name: plan },
    host: site,
  }),
  /** DOCUMENTED. */
  projectQuotas: (site: string, projectId: string): Endpoint => ({
    method: 'GET',
    path: `/api/v3/${seg(site)}/project_quotas/`,
    query: { project: projectId },
    host: site,
  }),
  /**
   * DOCUMENTED: without `user`, every member (tenant admins only; REPORTED: a plain member gets 403,
   * which is how the login fallback tells the roles apart); with it, one member.
   */
  userQuotas: (site: string, projectId: string, userId?: string): Endpoint => ({
    method: 'GET',
    path: `/api/v3/${seg(site)}/projects/${seg(projectId)}/user_quotas/`,
    ...(userId ? { query: { user: userId } } : {}),
    host: site,
  }),
  /**
   * ASSUMED: no public endpoint changes a quota. Body: `quotaWriteBody`. Reached only when
   * TWCC_QUOTA_WRITE=on, and always read back afterwards (REPORTED: a 200 may change nothing).
   */
  setUserQuota: (site: string, projectId: string, userId: string): Endpoint => ({
    method: 'PATCH',
    path: `/api/v3/${seg(site)}/projects/${seg(projectId)}/user_quotas/`,
    query: { user: userId },
    host: site,
  }),
  /** DOCUMENTED: the caller's own keys; `?show_all=true` adds the disabled ones. */
  listApiKeys: (): Endpoint => ({ method: 'GET', path: '/api_key/', query: { show_all: 'true' }, host: API_KEY_SITE }),
  /** DOCUMENTED: no body; 201 with the new key. ASSUMED: an `apiKeyFields` item whose `key` is the full secret. */
  createApiKey: (): Endpoint => ({ method: 'POST', path: '/api_key/', host: API_KEY_SITE }),
  /** DOCUMENTED: body `extendKeyBody`. The answer proves nothing (REPORTED): the list is read back. */
  extendApiKey: (keyId: string): Endpoint => ({ method: 'PATCH', path: `/api_key/${seg(keyId)}/`, host: API_KEY_SITE }),
  /** DOCUMENTED: 204; 405 for the main key. */
  deleteApiKey: (keyId: string): Endpoint => ({ method: 'DELETE', path: `/api_key/${seg(keyId)}/`, host: API_KEY_SITE }),
};

/** DOCUMENTED (2018 spec as form data; an operations note uses JSON, kept): extends the expiry by N days. */
export const extendKeyBody = (days: number) => ({ reset_expired_days: days });

/**
 * ASSUMED: an extension counts from the later of the old expiry and now. A read-back expiry that moved
 * by the days from either is "applied"; one that did not move is "not applied"; anything else is
 * "unknown", shown as TWCC has it. Slack of a minute for clocks.
 */
export const EXTENSION_TOLERANCE_MS = 60_000;

/** ASSUMED: the portal's quota form as JSON; memory in MB, like the quotas TWCC reports. */
export const quotaWriteBody = (values: { cpu: number; gpu: number; memory: number }) => ({
  cpu: values.cpu,
  gpu: values.gpu,
  memory: values.memory,
});

/**
 * Fields of a `GET /api_key/` item; each entry lists the accepted spellings, first match wins.
 * REPORTED: no public schema; known columns are id, key, project, creation and expiry time, and
 * newer docs add a `name`. The spellings below are the ones twcc-api.md lists.
 */
export const apiKeyFields = {
  created: ['created_at', 'create_time'],
  expires: ['expired_time', 'expire_time', 'expired_at', 'expires_at', 'expire_at'],
  name: ['name'],
} as const;

/**
 * ASSUMED: whose key an item is, for the login fallback when `/api/v2/users/` is gone: `user` as an
 * object `{id, username}` or a uuid string, else `user_id` (+ `username`). The row of
 * `user_quotas/?user=` (documented) then gives the username for sure.
 */
export const apiKeyOwnerFields = { id: ['user_id', 'owner_id'], username: ['username', 'owner'] } as const;

/**
 * REPORTED: a list may come bare (`[…]`) or in an envelope (`{"data": […]}`); times as epoch seconds,
 * epoch milliseconds or ISO strings. ASSUMED: numbers above 1e12 are milliseconds; an ISO time
 * without a zone is UTC.
 */
export const LIST_ENVELOPE_FIELD = 'data';
export const EPOCH_MS_ABOVE = 1e12;

/**
 * ASSUMED: a key item without `status` is enabled; `status` values below mean disabled (also
 * `false`, or `is_active: false`).
 */
export const DEFAULT_KEY_STATUS = 'active';
export const DISABLED_KEY_STATUSES = ['disabled', 'inactive', 'revoked', 'false', '0'];

/**
 * ASSUMED variant: a member row of the all-members `user_quotas` listing that carries only `user`
 * (no cpu/gpu/memory) is read again one member at a time (`?user=`), with bounded concurrency.
 */
export const MEMBER_ROWS_MAY_BE_SUMMARIES = true;

/** REPORTED: the site whose `user_quotas` lists the project's members (VCS is the live service; CCS ended 2026-08-31). */
export const MEMBERS_SERVICE = 'vcs' as const;

/**
 * DOCUMENTED: `associating_projects[].role` is `admin`, `tenant_admin` or `member`. Both admin
 * spellings are tenant admins here; anything else is a plain user.
 */
export const ADMIN_ROLES: readonly string[] = ['tenant_admin', 'admin'];

/** REPORTED: the gateway's 2xx "error" bodies carry only these fields (`{"message": "no route …"}`). */
export const MESSAGE_FIELDS: readonly string[] = ['message', 'detail'];

/** REPORTED: a 401 about credit, not about the key (`[i-service] no quota to request resource`). */
export const CREDIT_401 = /\[i-service\]|no quota/i;
/** DOCUMENTED: the 401s that mean a bad or expired key (`Your request is unauthorized[. Key is expired.]`). */
export const BAD_KEY_401 = /unauthori[sz]ed|expired|invalid (api )?key/i;
/** DOCUMENTED / REPORTED: a stale or unknown project id: `40401: Project {id} not found`, `50301: The project {id} does not exist`. */
export const STALE_PROJECT_404 = /^\s*40401\b/;
export const STALE_PROJECT_503 = /^\s*50301\b/;
