/**
 * Every TWCC endpoint and field this client relies on, in one place (see ../shared/twcc-api.md).
 * Lines marked ASSUMED have no public spec behind them: a wrong guess must fail with a message that
 * names what was received (schemas.ts does that), and this is the one file to fix when TWCC differs.
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
  /** `[0]` is the caller: `{id, username, display_name, email}`. */
  currentUser: (): Endpoint => ({ method: 'GET', path: '/api/v2/users/', host: USERS_SITE }),
  /** `{id, username, associating_projects: [{name, role}]}`; `role` `tenant_admin` means admin. */
  userDetail: (userId: string): Endpoint => ({ method: 'GET', path: `/api/v2/users/${seg(userId)}/`, host: USERS_SITE }),
  /** The same plan code has a different project id on each site. */
  projectsByName: (site: string, plan: string): Endpoint => ({
    method: 'GET',
    path: `/api/v3/${seg(site)}/projects/`,
    query: { name: plan },
    host: site,
  }),
  projectQuotas: (site: string, projectId: string): Endpoint => ({
    method: 'GET',
    path: `/api/v3/${seg(site)}/project_quotas/`,
    query: { project: projectId },
    host: site,
  }),
  /** Without `user`: every member (tenant admins only); with it: one member. */
  userQuotas: (site: string, projectId: string, userId?: string): Endpoint => ({
    method: 'GET',
    path: `/api/v3/${seg(site)}/projects/${seg(projectId)}/user_quotas/`,
    ...(userId ? { query: { user: userId } } : {}),
    host: site,
  }),
  /**
   * ASSUMED: no public endpoint changes a quota. Body: `quotaWriteBody`. Reached only when
   * TWCC_QUOTA_WRITE=on.
   */
  setUserQuota: (site: string, projectId: string, userId: string): Endpoint => ({
    method: 'PATCH',
    path: `/api/v3/${seg(site)}/projects/${seg(projectId)}/user_quotas/`,
    query: { user: userId },
    host: site,
  }),
  /** The caller's own keys only (`?show_all=true` would add disabled ones). */
  listApiKeys: (): Endpoint => ({ method: 'GET', path: '/api_key/', host: API_KEY_SITE }),
  /** No body; 201 with the new key, ASSUMED to be an `apiKeyFields` item whose `key` is the full secret. */
  createApiKey: (): Endpoint => ({ method: 'POST', path: '/api_key/', host: API_KEY_SITE }),
  /** Body: `extendKeyBody`. The answer's shape is ASSUMED (an item, or nothing): the list is read again if it is not an item. */
  extendApiKey: (keyId: string): Endpoint => ({ method: 'PATCH', path: `/api_key/${seg(keyId)}/`, host: API_KEY_SITE }),
  /** 204; 405 for the main key. */
  deleteApiKey: (keyId: string): Endpoint => ({ method: 'DELETE', path: `/api_key/${seg(keyId)}/`, host: API_KEY_SITE }),
};

/** Documented: extends the expiry by N days. */
export const extendKeyBody = (days: number) => ({ reset_expired_days: days });

/** ASSUMED: the portal's quota form as JSON; memory in MB, like the quotas TWCC reports. */
export const quotaWriteBody = (values: { cpu: number; gpu: number; memory: number }) => ({
  cpu: values.cpu,
  gpu: values.gpu,
  memory: values.memory,
});

/**
 * ASSUMED item of `GET /api_key/`: `{id, key, project, created_at, expired_time, status}`; each
 * entry lists the accepted spellings of one field, first match wins.
 */
export const apiKeyFields = {
  created: ['created_at', 'create_time'],
  expires: ['expired_time', 'expire_time'],
} as const;

/**
 * ASSUMED: a key listed without `show_all` is enabled, so a missing `status` reads as this.
 * Timestamps without a zone (`2024-05-01T08:00:00`) are ASSUMED to be UTC.
 */
export const DEFAULT_KEY_STATUS = 'active';

/**
 * ASSUMED variant: a member row of the all-members `user_quotas` listing that carries only `user`
 * (no cpu/gpu/memory) is read again one member at a time (`?user=`), with bounded concurrency.
 */
export const MEMBER_ROWS_MAY_BE_SUMMARIES = true;

/** The site whose `user_quotas` lists the project's members (VCS is the live service). */
export const MEMBERS_SERVICE = 'vcs' as const;
