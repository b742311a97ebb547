import { z } from 'zod';
import { fail, ok, type Result } from '../../result.js';
import { apiKeyFields, apiKeyOwnerFields, DEFAULT_KEY_STATUS, DISABLED_KEY_STATUSES, EPOCH_MS_ABOVE, LIST_ENVELOPE_FIELD, type Endpoint } from './assumptions.js';

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
export const CurrentUsers = listOf(TwccUser).refine((users) => users.length >= 1, 'expected the caller as the first element');

const ProjectMembership = z.object({ name: z.string(), role: z.string() });

/** `GET /api/v2/users/{id}/`. */
export const UserDetail = TwccUser.extend({ associating_projects: z.array(ProjectMembership) });

/** `GET /api/v3/{site}/projects/?name=`. */
export const Projects = listOf(z.object({ id: Id, name: z.string() }));

/** `GET /api/v3/{site}/project_quotas/?project=`: one element. */
export const ProjectQuotas = listOf(z.object(Resources)).refine((rows) => rows.length >= 1, 'expected one element');

/** A member row of `user_quotas`, with its usage and quota. */
export const UserQuotaRow = z.object({ user: TwccUser, ...Resources });
export type UserQuotaRow = z.infer<typeof UserQuotaRow>;

/** `GET …/user_quotas/?user=`: the member's rows. */
export const UserQuotaRows = listOf(UserQuotaRow);

/**
 * `GET …/user_quotas/` (all members): full rows, or rows with only `user` (assumptions.ts); a
 * summary row has `resources` undefined.
 */
export const MemberListing = listOf(
  z
    .object({ user: TwccUser, cpu: Usage.optional(), gpu: Usage.optional(), memory: Usage.optional() })
    .transform(({ user, cpu, gpu, memory }, ctx) => {
      if (cpu && gpu && memory) return { user, resources: { cpu, gpu, memory } };
      if (cpu || gpu || memory) ctx.issues.push({ code: 'custom', message: 'expected cpu, gpu and memory together', input: undefined });
      return { user, resources: undefined };
    }),
);

/** Epoch seconds or milliseconds, a numeric string, or an ISO date; an ISO string out, or undefined. */
function toIso(value: unknown): string | undefined {
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) value = Number(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return new Date(value > EPOCH_MS_ABOVE ? value : value * 1000).toISOString();
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(value.trim()) ? value.trim() : `${value.trim()}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `project` of a key: a plan code, a numeric id, or an object with `name`/`id`; undefined when unreadable. */
function keyProject(p: unknown): string | undefined {
  if (typeof p === 'string') return p.trim() || undefined;
  if (typeof p === 'number' && Number.isFinite(p)) return String(p);
  if (typeof p === 'object' && p !== null) {
    const o = p as Record<string, unknown>;
    return keyProject(o['name']) ?? keyProject(o['id']);
  }
  return undefined;
}

const pick = (o: Record<string, unknown>, names: readonly string[]) => names.map((n) => o[n]).find((v) => v !== undefined);
const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * One API key as listed or created (spellings in assumptions.ts). Only `id` is required: any other
 * field that is missing or unreadable is undefined here and shown as unknown, never a failed list.
 * `expires`: an ISO time, null (never expires), or undefined (unknown).
 */
export const ApiKeyItem = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const id = Id.safeParse(raw['id']);
  if (!id.success) {
    ctx.issues.push({ code: 'custom', message: 'expected a key id', input: undefined, path: ['id'] });
    return z.NEVER;
  }
  const expiresRaw = pick(raw, apiKeyFields.expires);
  const status = raw['status'];
  const statusText = status === undefined ? (raw['is_active'] === false ? 'disabled' : DEFAULT_KEY_STATUS) : String(status);
  const user = raw['user'];
  const userObject = typeof user === 'object' && user !== null ? (user as Record<string, unknown>) : undefined;
  const ownerId = Id.safeParse(userObject ? userObject['id'] : (user ?? pick(raw, apiKeyOwnerFields.id)));
  return {
    id: id.data,
    key: text(raw['key']),
    name: text(pick(raw, apiKeyFields.name)),
    project: keyProject(raw['project']),
    created: toIso(pick(raw, apiKeyFields.created)),
    expires: expiresRaw === null ? null : toIso(expiresRaw),
    status: statusText,
    disabled: DISABLED_KEY_STATUSES.includes(statusText.toLowerCase()) || raw['is_active'] === false,
    ...(ownerId.success ? { ownerId: ownerId.data } : {}),
    ...(text(userObject?.['username'] ?? pick(raw, apiKeyOwnerFields.username)) ? { ownerName: text(userObject?.['username'] ?? pick(raw, apiKeyOwnerFields.username))! } : {}),
  };
});
export type ApiKeyItem = z.infer<typeof ApiKeyItem>;

/** A list, bare or in a `{data: […]}` envelope (assumptions.ts). */
function listOf<S extends z.ZodType>(item: S) {
  return z.preprocess(unwrapEnvelope, z.array(item));
}

function unwrapEnvelope(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const inner = (body as Record<string, unknown>)[LIST_ENVELOPE_FIELD];
  return Array.isArray(inner) ? inner : body;
}

/**
 * `GET /api_key/`: bare or enveloped; the items themselves are read one by one, and an item without
 * a usable id is left out and counted (it could not be acted on anyway), never failing the list.
 */
export const ApiKeyList = listOf(z.unknown()).transform((rows) => {
  const items: ApiKeyItem[] = [];
  let skipped = 0;
  for (const row of rows) {
    const parsed = ApiKeyItem.safeParse(row);
    if (parsed.success) items.push(parsed.data);
    else skipped++;
  }
  return { items, skipped };
});

/** The item a write answers with: the item itself, `{data: item}`, or a one-element list. */
export const OneApiKey = z.preprocess((body) => {
  const inner = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[LIST_ENVELOPE_FIELD] : undefined;
  const item = inner !== undefined ? inner : body;
  return Array.isArray(item) ? item[0] : item;
}, ApiKeyItem);

/** `{"message": …}` or `{"detail": …}` of an error answer. */
export const ErrorBody = z.union([z.object({ message: z.string() }), z.object({ detail: z.string() })]);

/** `[0].user.id: expected string` for the first few issues; never the received values. */
function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 4).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `${path.replace(/^\./, '') || '(body)'}: ${issue.message}`;
  });
  const more = error.issues.length > 4 ? `; and ${error.issues.length - 4} more` : '';
  return parts.join('; ') + more;
}

/** `${method} ${path}`: how details and logs name a call. */
export const labelOf = (e: Endpoint) => `${e.method} ${e.path}`;

/**
 * Parses an answer body; a mismatch names the endpoint and the fields: `unexpected_answer` for a
 * read, `maybe_applied` for a write (it was sent, and its answer says nothing for sure).
 */
export function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, endpoint: Endpoint): Result<z.output<S>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return ok(parsed.data);
  const what = body === undefined ? 'no body' : Array.isArray(body) ? 'an unexpected shape' : typeof body === 'object' && body !== null ? 'an unexpected shape' : `a ${typeof body}`;
  return fail(endpoint.method === 'GET' ? 'unexpected_answer' : 'maybe_applied', `${labelOf(endpoint)} answered ${what}: ${describeIssues(parsed.error)}`);
}
