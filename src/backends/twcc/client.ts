import { fail, ok, type Result } from '../../result.js';
import { endpoints, extendKeyBody, quotaWriteBody, type Endpoint } from './assumptions.js';
import type { TwccCall, TwccHttp } from './http.js';
import {
  ApiKeyList,
  OneApiKey,
  CurrentUsers,
  MemberListing,
  ProjectQuotas,
  Projects,
  UserDetail,
  UserQuotaRow,
  UserQuotaRows,
  parseAnswer,
  type ApiKeyItem,
  type TwccUser,
} from './schemas.js';
import type { z } from 'zod';

type ProjectResources = z.infer<typeof ProjectQuotas>[number];
type MemberListingRow = z.infer<typeof MemberListing>[number];
type UserDetail = z.infer<typeof UserDetail>;

/**
 * One method per TWCC endpoint: sends with the given key, parses the answer, and says what a
 * status means for that endpoint. No policy here (who may do what, caching): that is backend.ts.
 */
export class TwccClient {
  constructor(private readonly http: TwccHttp) {}

  private async call<S extends z.ZodType>(schema: S, call: TwccCall): Promise<Result<z.output<S>>> {
    const answer = await this.http.send(call);
    return answer.ok ? parseAnswer(schema, answer.value.body, call.endpoint) : answer;
  }

  /** The caller; `unexpected_answer` (3xx, 404, a body that is no list of users) means the endpoint is gone. */
  async currentUser(apiKey: string): Promise<Result<TwccUser>> {
    const users = await this.call(CurrentUsers, { endpoint: endpoints.currentUser(), apiKey, statusCodes: { 404: 'unexpected_answer' } });
    return users.ok ? ok(users.value[0]!) : users;
  }

  /** The user's projects and roles; `unexpected_answer` as for currentUser. */
  userDetail(apiKey: string, userId: string): Promise<Result<UserDetail>> {
    return this.call(UserDetail, { endpoint: endpoints.userDetail(userId), apiKey, statusCodes: { 404: 'unexpected_answer' } });
  }

  /** The project id of `plan` on `site`, or `project_not_visible` when TWCC lists none for this key. */
  async projectId(apiKey: string, site: string, plan: string): Promise<Result<string>> {
    const projects = await this.call(Projects, { endpoint: endpoints.projectsByName(site, plan), apiKey });
    if (!projects.ok) return projects;
    const match = projects.value.find((p) => p.name.trim() === plan);
    return match ? ok(match.id) : fail('project_not_visible', `GET /api/v3/${site}/projects/?name=${plan} lists no project ${plan} for this key`);
  }

  async projectQuotas(apiKey: string, site: string, projectId: string): Promise<Result<ProjectResources>> {
    const rows = await this.call(ProjectQuotas, { endpoint: endpoints.projectQuotas(site, projectId), apiKey });
    return rows.ok ? ok(rows.value[0]!) : rows;
  }

  /** Every member's row (tenant admins only); some rows may be summaries without resources. */
  listMemberQuotas(apiKey: string, site: string, projectId: string): Promise<Result<MemberListingRow[]>> {
    return this.call(MemberListing, { endpoint: endpoints.userQuotas(site, projectId), apiKey });
  }

  /** One member's row, or `member_not_found` when TWCC has none for that user in the project. */
  async memberQuota(apiKey: string, site: string, projectId: string, userId: string): Promise<Result<UserQuotaRow>> {
    const endpoint = endpoints.userQuotas(site, projectId, userId);
    const rows = await this.call(UserQuotaRows, { endpoint, apiKey, statusCodes: { 404: 'member_not_found' } });
    if (!rows.ok) return rows;
    // Only the asked member's row counts, even if the filter were ignored.
    const row = rows.value.find((r) => r.user.id === userId);
    return row ? ok(row) : fail('member_not_found');
  }

  /**
   * ASSUMED endpoint (assumptions.ts). ok: TWCC accepted it, with the row it answered when it sent
   * one; `maybe_applied`: sent, but the answer was unreadable or lost; any other failure: refused.
   */
  async setMemberQuota(
    apiKey: string,
    site: string,
    projectId: string,
    userId: string,
    values: { cpu: number; gpu: number; memory: number },
  ): Promise<Result<UserQuotaRow | undefined>> {
    const endpoint = endpoints.setUserQuota(site, projectId, userId);
    const answer = await this.http.send({ endpoint, apiKey, body: quotaWriteBody(values), statusCodes: { 404: 'member_not_found' } });
    if (!answer.ok) return answer;
    return ok(firstOf(UserQuotaRow, answer.value.body));
  }

  /** Every key of the caller, disabled ones too; items without a usable id are counted in `skipped`. */
  listApiKeys(apiKey: string): Promise<Result<{ items: ApiKeyItem[]; skipped: number }>> {
    return this.call(ApiKeyList, { endpoint: endpoints.listApiKeys(), apiKey });
  }

  /** The new key; its `key` must be the full secret (TWCC shows it once). */
  async createApiKey(apiKey: string): Promise<Result<ApiKeyItem & { key: string }>> {
    const endpoint = endpoints.createApiKey();
    const created = await this.call(OneApiKey, { endpoint, apiKey });
    if (!created.ok) return created;
    const { key } = created.value;
    if (!key) return missingSecret(endpoint);
    return ok({ ...created.value, key });
  }

  /**
   * Not retried: a repeat would add the days twice. ok: TWCC accepted it (the answer proves nothing:
   * the backend reads the list back); `maybe_applied`: sent, answer unreadable or lost.
   */
  async extendApiKey(apiKey: string, keyId: string, days: number): Promise<Result<void>> {
    const answer = await this.http.send({
      endpoint: endpoints.extendApiKey(keyId),
      apiKey,
      body: extendKeyBody(days),
      statusCodes: { 404: 'key_not_found' },
    });
    return answer.ok ? ok(undefined) : answer;
  }

  /** Retried where safe (http.ts); `maybe_applied` when every answer was lost or late. */
  async deleteApiKey(apiKey: string, keyId: string): Promise<Result<void>> {
    const answer = await this.http.send({
      endpoint: endpoints.deleteApiKey(keyId),
      apiKey,
      statusCodes: { 404: 'key_not_found', 405: 'main_key' },
    });
    return answer.ok ? ok(undefined) : answer;
  }
}

/** The body as one item, or the first of an array of them; undefined when it is neither. */
function firstOf<S extends z.ZodType>(schema: S, body: unknown): z.output<S> | undefined {
  const parsed = schema.safeParse(Array.isArray(body) ? body[0] : body);
  return parsed.success ? parsed.data : undefined;
}

function missingSecret(endpoint: Endpoint): Result<never> {
  return fail('maybe_applied', `${endpoint.method} ${endpoint.path} answered without the new key's secret (field key); see /apikey list`);
}
