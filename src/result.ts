/** Errors are values at the boundaries: a backend or a flow answers ok or a stable code. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; detail?: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, detail?: string): Result<T> => ({ ok: false, code, detail });

/** Every failure a user can meet; the wording lives in src/core/i18n.ts. */
export type ErrorCode =
  | 'key_not_found'
  | 'member_not_found'
  | 'not_owner'
  | 'others_keys_unsupported'
  | 'forbidden'
  | 'main_key'
  | 'credential_invalid'
  | 'not_logged_in'
  | 'login_unsupported'
  | 'link_unsupported'
  | 'quota_write_unsupported'
  | 'quota_exceeds_project'
  | 'backend_unavailable'
  | 'unexpected_answer'
  | 'maybe_applied'
  | 'credit_exhausted'
  | 'project_not_visible'
  | 'not_in_project'
  | 'service_disabled'
  | 'backend_error';

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** How a promise settled: its value, or the error it was rejected with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * How `work` settled within `ms`, or undefined if it has not yet. `work` keeps running either way
 * (and a rejection is observed here, so it is never unhandled): the caller awaits it again later.
 * The project's one "wait for a promise at most N ms".
 */
export function settledWithin<T>(work: Promise<T>, ms: number): Promise<Settled<T> | undefined> {
  const settled = work.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error }),
  );
  if (ms <= 0) return Promise.resolve(undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
