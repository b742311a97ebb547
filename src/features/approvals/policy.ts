/**
 * Who approves which change, and how many: APPROVAL_POLICY (rules, first match wins) and
 * APPROVER_GROUPS (named groups of members), parsed here for src/config.ts and matched against a
 * quota change when it is asked.
 */
import type { QuotaValues } from '../../backends/port.js';
import type { Parsed } from '../../core/duration.js';
import type { ApprovalPolicy } from '../../core/flows/pending.js';

const RESOURCES = ['cpu', 'gpu', 'memory'] as const;
type Resource = (typeof RESOURCES)[number];
const OPS = ['>=', '<=', '>', '<', '='] as const;
type Op = (typeof OPS)[number];

/** What a rule applies to: a change up or down (by what it does to the quota), or either kind of ask. */
export const RULE_SUBJECTS = ['quota', 'quota.increase', 'quota.decrease', 'quota.set', 'quota.request'] as const;
type Subject = (typeof RULE_SUBJECTS)[number];

export interface PolicyRule {
  /** As configured (spaces collapsed): `quota.increase gpu>4 approvals=2`. */
  text: string;
  subject: Subject;
  conditions: { resource: Resource; op: Op; value: number }[];
  approvals: number;
  group?: string;
  /** `project=LAB2`: the rule is for that project's requests only (several projects: src/core/projects.ts). */
  project?: string;
}

/** Named groups: group → members (member ids in lower case, or chat identities `slack:U1`). */
export type ApproverGroups = ReadonlyMap<string, readonly string[]>;

const MAX_APPROVALS = 10;
const GROUP_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const MEMBER = /^(?:(?:slack|discord|local):[^:\s+=,]+|[a-z0-9][a-z0-9._@-]{0,63})$/;

const EXAMPLE_POLICY = 'quota.increase gpu>4 approvals=2; quota.increase approvals=1; quota.decrease approvals=1';

/** `64G` → 65536, `512M` → 512, `8` → 8 (memory without a unit is G, as people say it). */
function amount(resource: Resource, raw: string): number | undefined {
  const m = /^(\d+)([mgt]?)$/i.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (resource !== 'memory') return m[2] ? undefined : n;
  return n * ({ m: 1, g: 1024, t: 1024 * 1024 }[(m[2] || 'g').toLowerCase() as 'm' | 'g' | 't'] ?? 1024);
}

/** One rule; undefined and a problem when it does not read. */
function parseRule(raw: string): Parsed<PolicyRule> {
  const tokens = raw.trim().split(/\s+/);
  const text = tokens.join(' ');
  const bad = (why: string): Parsed<PolicyRule> => ({ ok: false, problem: `rule "${text}": ${why}; write rules like ${EXAMPLE_POLICY}` });
  const subject = tokens[0]!.toLowerCase();
  if (!(RULE_SUBJECTS as readonly string[]).includes(subject)) return bad(`"${tokens[0]}" is not one of ${RULE_SUBJECTS.join(', ')}`);
  const rule: PolicyRule = { text, subject: subject as Subject, conditions: [], approvals: 0 };
  for (const token of tokens.slice(1)) {
    const lower = token.toLowerCase();
    const approvals = /^approvals=(\d+)$/.exec(lower);
    const approvers = /^approvers=@(.+)$/.exec(lower);
    const project = /^project=([a-z0-9][a-z0-9_-]{0,31})$/i.exec(token);
    const condition = new RegExp(`^(${RESOURCES.join('|')})(${OPS.join('|')})(.+)$`).exec(lower);
    if (approvals) {
      const n = Number(approvals[1]);
      if (n < 1 || n > MAX_APPROVALS) return bad(`approvals=${approvals[1]} is not from 1 to ${MAX_APPROVALS}`);
      rule.approvals = n;
    } else if (approvers) {
      if (!GROUP_NAME.test(approvers[1]!)) return bad(`"${token}" does not name a group (approvers=@gpu-owners)`);
      rule.group = approvers[1]!;
    } else if (project) {
      rule.project = project[1]!.toUpperCase();
    } else if (condition) {
      const resource = condition[1] as Resource;
      const value = amount(resource, condition[3]!);
      if (value === undefined) return bad(`"${token}" does not compare ${resource} with a number${resource === 'memory' ? ' (64G, 512M)' : ''}`);
      rule.conditions.push({ resource, op: condition[2] as Op, value });
    } else {
      return bad(`"${token}" is not a condition (gpu>4), approvals=N, approvers=@group or project=CODE`);
    }
  }
  if (rule.approvals === 0) return bad('it says no approvals=N');
  return { ok: true, value: rule };
}

/** `quota.increase gpu>4 approvals=2; quota approvals=1` → the rules in order; empty: one approval by any other admin. */
export function parseApprovalPolicy(text: string): { ok: true; value: PolicyRule[] } | { ok: false; problems: string[] } {
  const rules: PolicyRule[] = [];
  const problems: string[] = [];
  for (const raw of text.split(';').filter((r) => r.trim() !== '')) {
    const parsed = parseRule(raw);
    if (parsed.ok) rules.push(parsed.value);
    else problems.push(parsed.problem);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: rules };
}

/** `gpu-owners=alice+dave,leads=slack:U1+bob` → groups; empty: none. */
export function parseApproverGroups(text: string): { ok: true; value: ApproverGroups } | { ok: false; problems: string[] } {
  const groups = new Map<string, string[]>();
  const problems: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(entry);
    const name = m?.[1]!.trim().toLowerCase();
    const members = m ? m[2]!.split('+').map((x) => x.trim().replace(/^@/, '')) : [];
    const badMember = members.find((x) => !MEMBER.test(x.toLowerCase()));
    if (!m || !name || !GROUP_NAME.test(name) || members.length === 0 || badMember !== undefined) {
      problems.push(`"${entry}" is not group=member+member; write e.g. gpu-owners=alice+dave (members by name, or slack:U123, discord:456)`);
    } else if (groups.has(name)) {
      problems.push(`group "${name}" is listed twice; list each group once`);
    } else {
      groups.set(name, members.map((x) => (/^(slack|discord|local):/i.test(x) ? x : x.toLowerCase())));
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: groups };
}

/** Rules naming a group APPROVER_GROUPS does not define (checked at start). */
export const unknownGroups = (rules: readonly PolicyRule[], groups: ApproverGroups): string[] =>
  [...new Set(rules.flatMap((r) => (r.group && !groups.has(r.group) ? [r.group] : [])))];

/** Rules naming a project this deployment does not serve (checked at start). */
export const unknownProjects = (rules: readonly PolicyRule[], projects: readonly string[]): string[] =>
  [...new Set(rules.flatMap((r) => (r.project && !projects.some((p) => p.toUpperCase() === r.project) ? [r.project] : [])))];

const holds = (op: Op, have: number, value: number): boolean =>
  op === '>' ? have > value : op === '>=' ? have >= value : op === '<' ? have < value : op === '<=' ? have <= value : have === value;

/** What a quota change is asked as: a set or a request, raising or only lowering, with the values asked. */
export interface PolicyChange {
  kind: 'set' | 'request';
  current: Partial<Record<Resource, number>>;
  requested: QuotaValues;
  /** The project it is asked in; a rule with `project=` applies only there. */
  project?: string;
}

/** A change is a decrease when every resource it changes goes down (a negative quota is unlimited). */
const isDecrease = (c: PolicyChange): boolean =>
  RESOURCES.every((r) => {
    const want = c.requested[r];
    const was = c.current[r];
    return want === undefined || (was !== undefined && (was < 0 || want < was));
  });

const applies = (rule: PolicyRule, c: PolicyChange): boolean => {
  const subjectFits =
    rule.subject === 'quota' ||
    (rule.subject === 'quota.set' && c.kind === 'set') ||
    (rule.subject === 'quota.request' && c.kind === 'request') ||
    (rule.subject === 'quota.decrease' && isDecrease(c)) ||
    (rule.subject === 'quota.increase' && !isDecrease(c));
  if (rule.project && rule.project !== c.project?.toUpperCase()) return false;
  // A condition is on the value asked for; a resource not asked for meets none.
  return subjectFits && rule.conditions.every(({ resource, op, value }) => c.requested[resource] !== undefined && holds(op, c.requested[resource], value));
};

/** The policy a change is under: the first rule that applies, else one approval by any other admin. */
export function policyFor(rules: readonly PolicyRule[], groups: ApproverGroups, c: PolicyChange): ApprovalPolicy {
  const rule = rules.find((r) => applies(r, c));
  if (!rule) return { required: 1 };
  return {
    required: rule.approvals,
    rule: rule.text,
    ...(rule.group ? { group: rule.group, approvers: [...(groups.get(rule.group) ?? [])] } : {}),
  };
}
