import { z } from 'zod';
import { Role, Service, type QuotaValues } from '../backends/port.js';
import type { UntypedArgs } from './args.js';
import { LocaleSetting } from './i18n/locale.js';
import { catalogs, listOf, type MessageId, type MessageValues, type Translator, type Wording } from './i18n/translator.js';
import type { MentionRef, OptionValue } from './invocation.js';
import type { ArgKind, ArgSpec, CommandSpec, SubcommandSpec } from './spec.js';
import { MemoryAmount } from './units.js';
import { PROJECT_CODE, ProjectAction, ProjectCode } from './projects.js';

/** `notes`: what the parser did that the caller should hear about (a reason cut to its limit). */
export type ParseResult = { ok: true; args: UntypedArgs; notes?: Wording[] } | { ok: false; message: Wording };

/** A message worded later, in the reader's language. */
const say =
  (id: MessageId, values?: MessageValues): Wording =>
  (t) =>
    t.t(id, values);

/** An argument's name in the reader's language (`days` is 天數 in zh-TW); English keeps the spec's name. */
const argName = (t: Translator, arg: ArgSpec): string => t.t('parse.argName', { kind: arg.kind, arg: arg.name });

/** The longest reason kept; a longer one is cut, and the reply says so. */
const REASON_MAX = 500;

/** A typed word echoed in an error, cut so that a pasted novel is not sent back whole. */
export const clip = (s: string, max = 40): string => (s.length <= max ? s : `${s.slice(0, max)}…`);

const OnOff = z.enum(['on', 'off']);
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MENTION = /^@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})$/u;

type WordKind = Exclude<ArgKind, 'keyIds' | 'quota' | 'reason' | 'mention' | 'auditExport'>;

/** A word one of `schema`'s values, in any case; the issue names the message and its values (worded later). */
const enumOf = <T extends string>(schema: z.ZodEnum<Record<T, T>>, what: 'service' | 'role' | 'language' | 'onOff' | 'projectAction') =>
  z.string().transform((s, ctx) => {
    const r = schema.safeParse(schema.options.find((o) => o.toLowerCase() === s.toLowerCase()) ?? s);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: 'parse.notOneOf', params: { value: s, what } });
      return z.NEVER;
    }
    return r.data;
  });

/** One schema per kind of one-word argument; the same for typed text and for typed options. */
const words: { [K in WordKind]: z.ZodType<unknown, string> } = {
  keyId: z.string().regex(KEY_ID, 'parse.keyId'),
  days: z
    .string()
    .regex(/^-?\d+$/, 'parse.days.whole')
    .transform(Number)
    // No upper bound here: how far a key may be extended is the deployment's KEY_MAX_DAYS, which the
    // apikey feature knows and words (one limit, the real one).
    .pipe(z.number().int().min(1, 'parse.days.min')),
  service: enumOf(Service, 'service'),
  count: z
    .string()
    .regex(/^\d+$/, 'parse.count.whole')
    .transform(Number)
    .pipe(z.number().int().min(1, 'parse.count.min').max(200, 'parse.count.max')),
  memberName: z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u, 'parse.memberName'),
  role: enumOf(Role, 'role'),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'parse.requestId'),
  language: enumOf(LocaleSetting, 'language'),
  onOff: enumOf(OnOff, 'onOff'),
  project: z.string().regex(PROJECT_CODE, 'parse.project').pipe(ProjectCode),
  projectAction: enumOf(ProjectAction, 'projectAction'),
};

/** The resource is filled in when the message is worded (quotaOf passes it). */
const countOf = (max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'parse.resource.whole')
    .transform(Number)
    .pipe(z.number().min(0, 'parse.resource.min').max(max, 'parse.resource.max'));

const QuotaPair = z.discriminatedUnion('resource', [
  z.object({ resource: z.literal('cpu'), value: countOf(100_000) }),
  z.object({ resource: z.literal('gpu'), value: countOf(10_000) }),
  z.object({ resource: z.literal('memory'), value: MemoryAmount }),
]);
const RESOURCE = /^(cpu|gpu|memory)$/i;

/**
 * The first issue as a message id and its values: schema messages here are catalog ids (a custom
 * issue carries its values in `params`); anything else is worded "is not valid".
 */
function firstIssue(e: z.ZodError, extra: MessageValues = {}): { id: MessageId; values: MessageValues } {
  const issue = e.issues[0];
  const id = issue?.message;
  if (!id || !(id in catalogs.en)) return { id: 'parse.notValid', values: extra };
  const params = issue.code === 'custom' ? ((issue.params ?? {}) as MessageValues) : {};
  return { id: id as MessageId, values: { ...extra, ...params } };
}

/** `a service` / `ccs or vcs`, worded for `parse.notOneOf`. */
const issueWording = ({ id, values }: { id: MessageId; values: MessageValues }): Wording => (t) => {
  if (id !== 'parse.notOneOf') return t.t(id, values);
  const what = String(values.what) as 'service' | 'role' | 'language';
  return t.t(id, { value: String(values.value), what: t.t(`parse.what.${what}`), choices: t.t(`parse.choices.${what}`) });
};

function usageOfArg(a: ArgSpec, services: readonly Service[] = Service.options): string {
  const body =
    a.kind === 'mention'
      ? `@${a.name}`
      : a.kind === 'quota'
        ? 'cpu=N gpu=N memory=64G'
        : a.kind === 'service'
          ? [...services].sort().join('|')
          : a.kind === 'role'
            ? 'admin|user'
            : a.kind === 'onOff'
              ? 'on|off'
              : a.kind === 'language'
                ? LocaleSetting.options.join('|')
                : a.kind === 'projectAction'
                  ? ProjectAction.options.join('|')
                : a.kind === 'auditExport'
                  ? 'export [--since 2026-12-01] [--format jsonl|csv]'
            : a.kind === 'keyIds'
              ? `<${a.name}>...`
              : a.kind === 'reason'
                ? `${a.name}…`
                : `<${a.name}>`;
  return a.optional ? `[${body.replace(/^<(.*)>$/, '$1')}]` : body;
}

/** `/quota request ccs|vcs cpu=N …`; `services` are those this deployment offers. */
export const usageLine = (command: string, sub: SubcommandSpec, services: readonly Service[] = Service.options): string =>
  [`/${command} ${sub.name}`, ...sub.args.map((a) => usageOfArg(a, services))].join(' ');

/** Edit distance with swapped neighbours counting as one edit (`lsit` is one from `list`), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** The name a mistyped word most likely meant (`quta` → `quota`), if one is near enough. */
export function suggestWord(names: readonly string[], word: string): string | undefined {
  const w = word.toLowerCase();
  const ranked = names.map((name) => ({ name, d: name.startsWith(w) && w.length >= 2 ? 0 : distance(w, name) })).sort((a, b) => a.d - b.d);
  const best = ranked[0];
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** The subcommand a mistyped word most likely meant, by its name or an alias; always the real name. */
export function suggestSubcommand(spec: CommandSpec, word: string): string | undefined {
  const w = word.toLowerCase();
  const ranked = spec.subcommands
    .flatMap((s) => [s.name, ...(s.aliases ?? [])].map((said) => ({ name: s.name, said })))
    .map(({ name, said }) => ({ name, said, d: said.startsWith(w) && w.length >= 2 ? 0 : distance(w, said) }))
    .sort((a, b) => a.d - b.d);
  const best = ranked[0];
  return best && best.d <= Math.max(1, Math.floor(best.said.length / 3)) ? best.name : undefined;
}

/** Finds the subcommand; the caller decides what an empty or unknown one means. */
export function findSubcommand(spec: Pick<CommandSpec, 'subcommands'>, text: string): { sub?: SubcommandSpec; word?: string; rest: string } {
  const trimmed = text.trim();
  const word = trimmed.split(/\s+/, 1)[0] ?? '';
  const rest = trimmed.slice(word.length).trim();
  if (word === '') return { rest };
  const w = word.toLowerCase();
  const sub = spec.subcommands.find((s) => s.name === w || s.aliases?.includes(w));
  return { sub, word, rest };
}

const mentionOf = (raw: string, mentions: Record<string, MentionRef>): MentionRef | undefined => {
  const m = MENTION.exec(raw);
  if (!m) return undefined;
  return mentions[m[1]!] ?? { userId: m[1]!, name: m[1]! };
};

/** Parses the text typed after a subcommand; errors name the bad part. */
export function parseText(sub: SubcommandSpec, rest: string, mentions: Record<string, MentionRef> = {}): ParseResult {
  const tokens = rest.match(/\S+/g) ?? [];
  const args: UntypedArgs = {};
  const notes: Wording[] = [];
  const bad = (message: Wording): ParseResult => ({ ok: false, message });
  /** Optional arguments passed over because the word did not fit them: an error then names them too. */
  const skipped: ArgSpec[] = [];
  let i = 0;
  for (const [index, arg] of sub.args.entries()) {
    const laterRequired = sub.args.slice(index + 1).some((a) => !a.optional);
    if (arg.kind === 'reason') {
      const text = tokens.slice(i).join(' ').trim();
      i = tokens.length;
      if (text) args[arg.name] = reasonOf(text, arg, notes);
      else if (!arg.optional) return bad(say('parse.missing', { what: arg.name }));
      continue;
    }
    if (arg.kind === 'auditExport') {
      if (tokens[i] === undefined) {
        if (arg.optional) continue;
        return bad(say('parse.missing', { what: usageOfArg(arg) }));
      }
      const word = tokens[i]!;
      if (word.toLowerCase() !== 'export') {
        // `/tenant audit 0`: a number was meant as the count before; its own error says what is wrong.
        const before = skipped[skipped.length - 1];
        if (before && /^-?\d+$/.test(word)) {
          const asBefore = wordOf(before, word, mentions);
          if (!asBefore.ok) return asBefore;
        }
        return bad(expected(word, [...skipped, arg]));
      }
      const flags = auditExportOf(tokens.slice(i + 1));
      i = tokens.length;
      if (!flags.ok) return bad(flags.message);
      args[arg.name] = flags.value;
      continue;
    }
    if (arg.kind === 'keyIds') {
      const result = keyIdsOf(tokens.slice(i).join(' '), arg);
      i = tokens.length;
      if (!result.ok) return result;
      Object.assign(args, result.args);
      continue;
    }
    if (arg.kind === 'quota') {
      const pairs: [string, string][] = [];
      for (; i < tokens.length; i++) {
        const spaced = spacedPair(tokens, i);
        if (spaced) return bad(spaced);
        if (!tokens[i]!.includes('=')) break;
        const [resource = '', ...value] = tokens[i]!.split('=');
        pairs.push([resource, value.join('=')]);
      }
      const quota = quotaOf(pairs);
      if (!quota.ok) return quota;
      args[arg.name] = quota.value;
      continue;
    }
    const token = tokens[i];
    if (token === undefined) {
      if (arg.optional) continue;
      return bad(say('parse.missing', { what: usageOfArg(arg) }));
    }
    const parsed = wordOf(arg, token, mentions);
    if (!parsed.ok) {
      // `link @x bad name!`: a word that is neither a role nor anything like one, after a member name, is
      // the rest of a name with a space in it; say what is wrong with the name, not with the role.
      const before = sub.args[index - 1];
      if (arg.kind === 'role' && before?.kind === 'memberName' && suggestWord(Role.options, token) === undefined && !wordOf(before, token, mentions).ok) {
        const asName = wordOf(before, tokens.slice(i - 1).join(' '), mentions);
        if (!asName.ok) return asName;
      }
      // An optional argument that does not fit may be the next one: `/quota show @bob` skips service.
      if (arg.optional && !laterRequired && index < sub.args.length - 1) {
        skipped.push(arg);
        continue;
      }
      if (skipped.length > 0) return bad(expected(token, [...skipped, arg]));
      return parsed;
    }
    skipped.length = 0;
    args[arg.name] = parsed.value;
    i++;
  }
  if (i < tokens.length) {
    if (skipped.length > 0) return bad(expected(tokens[i]!, skipped));
    return bad(say('parse.unexpected', { text: clip(tokens.slice(i).join(' ')) }));
  }
  return notes.length > 0 ? { ok: true, args, notes } : { ok: true, args };
}

/** `vcs`: expected ccs, vcs or @member. */
const expected =
  (token: string, args: ArgSpec[]): Wording =>
  (t) =>
    t.t('parse.expected', { token: clip(token), choices: args.map((a) => expectedOf(a, t)).join(t.t('parse.or')) });

/** What a word in this place could have been: `ccs, vcs`, `@member`. */
function expectedOf(arg: ArgSpec, t: Translator): string {
  if (arg.kind === 'service') return listOf(t, Service.options.slice().sort());
  if (arg.kind === 'role') return listOf(t, Role.options);
  if (arg.kind === 'language') return listOf(t, LocaleSetting.options);
  if (arg.kind === 'onOff') return listOf(t, OnOff.options);
  if (arg.kind === 'projectAction') return listOf(t, ProjectAction.options);
  if (arg.kind === 'mention') return `@${arg.name}`;
  if (arg.kind === 'auditExport') return '`export`';
  return `<${arg.name}>`;
}

/** `2026-12-01` (midnight UTC) or an RFC 3339 time with its offset: epoch ms. */
const Since = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i)
  .transform((s) => Date.parse(/T/i.test(s) ? s : `${s}T00:00:00Z`))
  .pipe(z.number().int());
const ExportFormat = z.enum(['jsonl', 'csv']);

/** The flags after `export`: `--since X`, `--format F` (or `--since=X`), each at most once. */
function auditExportOf(tokens: string[]): { ok: true; value: { since?: number; format: 'jsonl' | 'csv' } } | { ok: false; message: Wording } {
  const given: { since?: string; format?: string } = {};
  for (let i = 0; i < tokens.length; i++) {
    const m = /^--(since|format)(?:=(.*))?$/i.exec(tokens[i]!);
    if (!m) return { ok: false, message: say('parse.export.flag', { flag: clip(tokens[i]!) }) };
    const flag = m[1]!.toLowerCase() as 'since' | 'format';
    const value = m[2] ?? tokens[++i];
    if (value === undefined || value === '' || value.startsWith('--')) return { ok: false, message: say('parse.export.value', { flag: `--${flag}` }) };
    if (given[flag] !== undefined) return { ok: false, message: say('parse.export.twice', { flag: `--${flag}` }) };
    given[flag] = value;
  }
  return exportValue(given);
}

/** The export's since and format, checked: the same for typed flags and Discord's options. */
function exportValue(given: { since?: string | undefined; format?: string | undefined }): { ok: true; value: { since?: number; format: 'jsonl' | 'csv' } } | { ok: false; message: Wording } {
  let since: number | undefined;
  if (given.since !== undefined) {
    const parsed = Since.safeParse(given.since.trim());
    if (!parsed.success) return { ok: false, message: say('parse.export.since', { value: clip(given.since) }) };
    since = parsed.data;
  }
  const format = ExportFormat.safeParse((given.format ?? 'jsonl').trim().toLowerCase());
  if (!format.success) return { ok: false, message: say('parse.export.format', { value: clip(given.format ?? '') }) };
  return { ok: true, value: { ...(since !== undefined ? { since } : {}), format: format.data } };
}

/** `gpu = 4`, `gpu= 4`, `gpu =4`: a pair written with spaces, which would otherwise read as a reason. */
function spacedPair(tokens: string[], i: number): Wording | undefined {
  const t = tokens[i]!;
  const next = tokens[i + 1];
  let resource: string | undefined;
  let value: string | undefined;
  if (RESOURCE.test(t) && next?.startsWith('=')) [resource, value] = [t, next === '=' ? tokens[i + 2] : next.slice(1)];
  else if (RESOURCE.test(t.slice(0, -1)) && t.endsWith('=') && next !== undefined) [resource, value] = [t.slice(0, -1), next];
  if (resource === undefined) return undefined;
  return say('parse.spacedPair', { pair: `${resource.toLowerCase()}=${clip(value ?? 'N', 12)}` });
}

function reasonOf(text: string, arg: ArgSpec, notes: Wording[]): string {
  if (text.length <= REASON_MAX) return text;
  notes.push((t) => t.t('parse.reasonCut', { arg: argName(t, arg), max: REASON_MAX, length: text.length }));
  return text.slice(0, REASON_MAX);
}

/**
 * Parses typed options (Discord): each value goes through the same schema as a typed word, with no
 * text round-trip, so `member: "bob admin"` is one bad member name, never a member and a role.
 */
export function parseOptions(sub: SubcommandSpec, options: Record<string, OptionValue>): ParseResult {
  const args: UntypedArgs = {};
  const notes: Wording[] = [];
  for (const arg of sub.args) {
    if (arg.kind === 'auditExport') {
      // Discord: `export: True`, with `since` and `format` beside it (either alone also means an export).
      const [flag, since, format] = [options[arg.name], options.since, options.format];
      if (flag !== true && since === undefined && format === undefined) {
        if (arg.optional) continue;
        return { ok: false, message: say('parse.missing', { what: usageOfArg(arg) }) };
      }
      const value = exportValue({ since: since === undefined ? undefined : String(since), format: format === undefined ? undefined : String(format) });
      if (!value.ok) return value;
      args[arg.name] = value.value;
      continue;
    }
    if (arg.kind === 'quota') {
      const pairs = (['cpu', 'gpu', 'memory'] as const).flatMap((r): [string, string][] => (options[r] === undefined || options[r] === '' ? [] : [[r, String(options[r])]]));
      const quota = quotaOf(pairs);
      if (!quota.ok) return quota;
      args[arg.name] = quota.value;
      continue;
    }
    const v = options[arg.name];
    if (v === undefined || v === '') {
      if (arg.optional) continue;
      return { ok: false, message: say('parse.missing', { what: usageOfArg(arg) }) };
    }
    if (arg.kind === 'mention') {
      if (typeof v !== 'object') return { ok: false, message: (t) => t.t('parse.mustBeUser', { arg: argName(t, arg) }) };
      args[arg.name] = v;
      continue;
    }
    if (typeof v === 'object') return { ok: false, message: (t) => t.t('parse.mustBeValue', { arg: argName(t, arg) }) };
    if (arg.kind === 'reason') {
      args[arg.name] = reasonOf(String(v).trim(), arg, notes);
      continue;
    }
    if (arg.kind === 'keyIds') {
      const result = keyIdsOf(String(v), arg);
      if (!result.ok) return result;
      Object.assign(args, result.args);
      continue;
    }
    const parsed = wordOf(arg, String(v).trim(), {});
    if (!parsed.ok) return parsed;
    args[arg.name] = parsed.value;
  }
  return notes.length > 0 ? { ok: true, args, notes } : { ok: true, args };
}

function wordOf(arg: ArgSpec, token: string, mentions: Record<string, MentionRef>): { ok: true; value: unknown } | { ok: false; message: Wording } {
  if (arg.kind === 'mention') {
    const m = mentionOf(token, mentions);
    return m ? { ok: true, value: m } : { ok: false, message: say('parse.notAMention', { token: clip(token) }) };
  }
  const schema = words[arg.kind as WordKind];
  const parsed = schema.safeParse(token);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = firstIssue(parsed.error);
  const problem = issueWording(issue);
  // A message that names the word itself (`x` is not a service) stands alone; others follow the argument's name.
  if (catalogs.en[issue.id]?.startsWith('`')) return { ok: false, message: problem };
  return { ok: false, message: (t) => t.t('parse.argInvalid', { arg: argName(t, arg), token: clip(token), problem: problem(t) }) };
}

function keyIdsOf(text: string, arg: ArgSpec): ParseResult {
  const ids = text.split(/[\s,]+/).filter(Boolean);
  if (ids.length === 0) return { ok: false, message: say('parse.keyIds.none', { arg: arg.name }) };
  for (const id of ids) if (!KEY_ID.test(id)) return { ok: false, message: say('parse.keyIds.notKeyId', { id: clip(id) }) };
  if (ids.length > 20) return { ok: false, message: say('parse.keyIds.tooMany', { max: 20 }) };
  return { ok: true, args: { [arg.name]: [...new Set(ids)] } };
}

function quotaOf(pairs: [string, string][]): { ok: true; value: QuotaValues } | { ok: false; message: Wording } {
  const quota: QuotaValues = {};
  for (const [resource, value] of pairs) {
    const pair = QuotaPair.safeParse({ resource: resource.toLowerCase(), value });
    if (!pair.success) {
      const known = RESOURCE.test(resource);
      return { ok: false, message: known ? issueWording(firstIssue(pair.error, { resource: resource.toLowerCase() })) : say('parse.quota.notResource', { resource: clip(resource) }) };
    }
    if (quota[pair.data.resource] !== undefined) return { ok: false, message: say('parse.quota.twice', { resource: pair.data.resource }) };
    quota[pair.data.resource] = pair.data.value;
  }
  if (Object.keys(quota).length === 0) return { ok: false, message: say('parse.quota.none') };
  return { ok: true, value: quota };
}
