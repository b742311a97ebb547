import { z } from 'zod';
import { fail, ok, type Result } from '../../result.js';
import { apiKeyFields, DEFAULT_KEY_STATUS, type Endpoint } from './assumptions.js';

/** TWCC ids arrive as numbers (projects, keys) or strings (user uuids); the client uses strings. */
const Id = z.union([z.string().min(1), z.number().int()]).transform(String);

/** A number, also as `24.0` or `"24"`; -1 is unlimited and passes through. */
const Amount = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);

const Usage = z.object({ usage: Amount, quota: Amount });

const Resources = { cpu: Usage, gpu: Usage, memory: Usage };

export const TwccUser = z.object({
  id: Id,
  username: z.string().min(1),
  display_name: z.string().nullish(),
});
export type TwccUser = z.infer<typeof TwccUser>;

/** `GET /api/v2/users/`: `[0]` is the caller. */
export const CurrentUsers = z.array(TwccUser).min(1, 'expected the caller as the first element');

const ProjectMembership = z.object({ name: z.string(), role: z.string() });

/** `GET /api/v2/users/{id}/`. */
export const UserDetail = TwccUser.extend({ associating_projects: z.array(ProjectMembership) });

/** `GET /api/v3/{site}/projects/?name=`. */
export const Projects = z.array(z.object({ id: Id, name: z.string() }));

/** `GET /api/v3/{site}/project_quotas/?project=`: one element. */
export const ProjectQuotas = z.array(z.object(Resources)).min(1, 'expected one element');

/** A member row of `user_quotas`, with its usage and quota. */
export const UserQuotaRow = z.object({ user: TwccUser, ...Resources });
export type UserQuotaRow = z.infer<typeof UserQuotaRow>;

/** `GET …/user_quotas/?user=`: the member's rows. */
export const UserQuotaRows = z.array(UserQuotaRow);

/**
 * `GET …/user_quotas/` (all members): full rows, or rows with only `user` (assumptions.ts); a
 * summary row has `resources` undefined.
 */
export const MemberListing = z.array(
  z
    .object({ user: TwccUser, cpu: Usage.optional(), gpu: Usage.optional(), memory: Usage.optional() })
    .transform(({ user, cpu, gpu, memory }, ctx) => {
      if (cpu && gpu && memory) return { user, resources: { cpu, gpu, memory } };
      if (cpu || gpu || memory) ctx.issues.push({ code: 'custom', message: 'expected cpu, gpu and memory together', input: undefined });
      return { user, resources: undefined };
    }),
);

/** Epoch seconds (or milliseconds), a numeric string, or an ISO date; always an ISO string out. */
const Timestamp = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const iso = toIso(value);
  if (iso === undefined) ctx.issues.push({ code: 'custom', message: 'expected epoch seconds or an ISO date', input: value });
  return iso ?? '';
});

function toIso(value: number | string): string | undefined {
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) value = Number(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    // Seconds until the year 33658; anything larger is milliseconds.
    return new Date(value > 1e12 ? value : value * 1000).toISOString();
  }
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(value.trim()) ? value.trim() : `${value.trim()}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `project` of a key: a plan code, a numeric id, or an object with `name`/`id`. */
const KeyProject = z
  .union([z.string(), z.number(), z.object({ name: z.string().optional(), id: Id.optional() }), z.null()])
  .optional()
  .transform((p) => (p === null || p === undefined ? '' : typeof p === 'object' ? (p.name ?? p.id ?? '') : String(p)));

const pick = (o: Record<string, unknown>, names: readonly string[]) => names.map((n) => o[n]).find((v) => v !== undefined);

/** One API key as listed or created; field spellings from assumptions.ts. */
export const ApiKeyItem = z
  .record(z.string(), z.unknown())
  .transform((raw): unknown => ({
    id: raw['id'],
    key: raw['key'],
    project: raw['project'],
    created: pick(raw, apiKeyFields.created),
    expires: pick(raw, apiKeyFields.expires) ?? null,
    status: raw['status'],
  }))
  .pipe(
    z.object({
      id: Id,
      key: z.string().optional(),
      project: KeyProject,
      created: Timestamp,
      expires: Timestamp.nullable(),
      status: z.union([z.string(), z.boolean()]).optional().transform((s) => (s === undefined ? DEFAULT_KEY_STATUS : String(s))),
    }),
  );
export type ApiKeyItem = z.infer<typeof ApiKeyItem>;

export const ApiKeyItems = z.array(ApiKeyItem);

/** `{"message": …}` or `{"detail": …}` of an error answer. */
export const ErrorBody = z.union([z.object({ message: z.string() }), z.object({ detail: z.string() })]);

const fieldNames: Record<string, string> = { created: apiKeyFields.created.join('/'), expires: apiKeyFields.expires.join('/') };

/** `[0].user.id: expected string` for the first few issues; never the received values. */
function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 4).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${fieldNames[String(p)] ?? String(p)}`)).join('');
    return `${path.replace(/^\./, '') || '(body)'}: ${issue.message}`;
  });
  const more = error.issues.length > 4 ? `; and ${error.issues.length - 4} more` : '';
  return parts.join('; ') + more;
}

/** `${method} ${path}`: how details and logs name a call. */
export const labelOf = (e: Endpoint) => `${e.method} ${e.path}`;

/** Parses an answer body; a mismatch is `backend_bad_response` naming the endpoint and the fields. */
export function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, endpoint: Endpoint): Result<z.output<S>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return ok(parsed.data);
  return fail('backend_bad_response', `${labelOf(endpoint)} answered an unexpected shape: ${describeIssues(parsed.error)}`);
}
