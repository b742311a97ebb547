import { z } from 'zod';
import { Role, Service, type QuotaValues } from '../backends/port.js';
import type { CommandName } from './invocation.js';
import { specFor } from './specs/index.js';
import type { ArgKind, ArgSpec, CommandSpec, SubcommandSpec } from './specs/types.js';
import { MemoryAmount } from './units.js';

/** A chat user named in a command; resolved to a member through the links. */
export interface MentionRef {
  userId: string;
  /** The display name Slack sends along (`<@U1|bob>`) or the shell's `@bob`. */
  name?: string;
}

export interface ArgValueByKind {
  mention: MentionRef;
  keyId: string;
  keyIds: string[];
  days: number;
  service: Service;
  quota: QuotaValues;
  reason: string;
  count: number;
  memberName: string;
  role: Role;
}

export class ParsedArgs {
  constructor(private readonly values: Map<string, unknown>) {}
  get<K extends ArgKind>(name: string, _kind: K): ArgValueByKind[K] {
    return this.values.get(name) as ArgValueByKind[K];
  }
  optional<K extends ArgKind>(name: string, _kind: K): ArgValueByKind[K] | undefined {
    return this.values.get(name) as ArgValueByKind[K] | undefined;
  }
  /** The exact arguments, for the hash a pending confirmation is bound to. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }
}

export type ParseResult =
  | { ok: true; sub: SubcommandSpec; args: ParsedArgs }
  | { ok: false; message: string; sub?: SubcommandSpec };

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MENTION = /^<@!?([A-Za-z0-9]+)(?:\|([^>]*))?>$|^@([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

const single: { [K in Exclude<ArgKind, 'keyIds' | 'quota' | 'reason'>]: z.ZodType<ArgValueByKind[K], string> } = {
  mention: z.string().transform((raw, ctx) => {
    const m = MENTION.exec(raw);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `\`${raw}\` is not a mention of a chat user; write @name` });
      return z.NEVER;
    }
    return m[3] ? { userId: m[3], name: m[3] } : { userId: m[1]!, ...(m[2] ? { name: m[2] } : {}) };
  }),
  keyId: z.string().regex(KEY_ID, 'is not a key id (letters, digits, - and _; see `/apikey list`)'),
  days: z
    .string()
    .regex(/^-?\d+$/, 'must be a whole number of days')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1 day').max(365, 'can be at most 365 days')),
  service: z.string().transform((s, ctx) => {
    const r = Service.safeParse(s.toLowerCase());
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: `\`${s}\` is not a service; use ccs or vcs` });
      return z.NEVER;
    }
    return r.data;
  }),
  count: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(200, 'can be at most 200')),
  memberName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'is not a member name (letters, digits, . _ - @)'),
  role: z.string().transform((s, ctx) => {
    const r = Role.safeParse(s.toLowerCase());
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: `\`${s}\` is not a role; use admin or user` });
      return z.NEVER;
    }
    return r.data;
  }),
};

const QuotaPair = z.discriminatedUnion('resource', [
  z.object({ resource: z.literal('cpu'), value: z.string().regex(/^\d+$/, 'cpu must be a whole number').transform(Number).pipe(z.number().max(100_000, 'cpu is too large')) }),
  z.object({ resource: z.literal('gpu'), value: z.string().regex(/^\d+$/, 'gpu must be a whole number').transform(Number).pipe(z.number().max(10_000, 'gpu is too large')) }),
  z.object({ resource: z.literal('memory'), value: MemoryAmount }),
]);

const firstIssue = (e: z.ZodError) => e.issues[0]?.message ?? 'is not valid';

/** Splits on white space, keeping `<@U1|Bob Smith>` whole. */
export function tokenize(text: string): string[] {
  return text.match(/<@[^>]*>|\S+/g) ?? [];
}

function usageOfArg(a: ArgSpec): string {
  const body =
    a.kind === 'mention'
      ? `@${a.name}`
      : a.kind === 'quota'
        ? 'cpu=N gpu=N memory=64G'
        : a.kind === 'service'
          ? 'ccs|vcs'
          : a.kind === 'role'
            ? 'admin|user'
            : a.kind === 'keyIds'
              ? `<${a.name}>...`
              : a.kind === 'reason'
                ? `${a.name}…`
                : `<${a.name}>`;
  return a.optional ? `[${body.replace(/^<(.*)>$/, '$1')}]` : body;
}

export const usageLine = (command: CommandName, sub: SubcommandSpec): string =>
  [`/${command} ${sub.name}`, ...sub.args.map(usageOfArg)].join(' ');

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

export function suggestSubcommand(spec: CommandSpec, word: string): string | undefined {
  const w = word.toLowerCase();
  const ranked = spec.subcommands
    .map((s) => ({ name: s.name, d: s.name.startsWith(w) && w.length >= 2 ? 0 : distance(w, s.name) }))
    .sort((a, b) => a.d - b.d);
  const best = ranked[0];
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** Finds the subcommand; the caller decides what an empty or unknown one means. */
export function findSubcommand(command: CommandName, text: string): { sub?: SubcommandSpec; word?: string; rest: string } {
  const trimmed = text.trim();
  const word = trimmed.split(/\s+/, 1)[0] ?? '';
  const rest = trimmed.slice(word.length).trim();
  if (word === '') return { rest };
  const sub = specFor(command).subcommands.find((s) => s.name === word.toLowerCase());
  return { sub, word, rest };
}

/** Parses the arguments of one subcommand; errors name the bad part. */
export function parseArgs(command: CommandName, sub: SubcommandSpec, rest: string): ParseResult {
  const tokens = tokenize(rest);
  const values = new Map<string, unknown>();
  const bad = (message: string): ParseResult => ({ ok: false, message, sub });
  let i = 0;
  for (const [index, arg] of sub.args.entries()) {
    const laterRequired = sub.args.slice(index + 1).some((a) => !a.optional);
    if (arg.kind === 'reason') {
      const text = tokens.slice(i).join(' ').trim();
      i = tokens.length;
      if (text) values.set(arg.name, text.slice(0, 500));
      else if (!arg.optional) return bad(`missing ${arg.name}`);
      continue;
    }
    if (arg.kind === 'keyIds') {
      const ids = tokens.slice(i).flatMap((t) => t.split(',')).filter(Boolean);
      i = tokens.length;
      if (ids.length === 0) return bad(`missing <${arg.name}>`);
      for (const id of ids) if (!KEY_ID.test(id)) return bad(`\`${id}\` is not a key id (see \`/apikey list\`)`);
      if (ids.length > 20) return bad('at most 20 keys at once');
      values.set(arg.name, [...new Set(ids)]);
      continue;
    }
    if (arg.kind === 'quota') {
      const quota: QuotaValues = {};
      while (i < tokens.length && tokens[i]!.includes('=')) {
        const [resource = '', ...valueParts] = tokens[i]!.split('=');
        const pair = QuotaPair.safeParse({ resource: resource.toLowerCase(), value: valueParts.join('=') });
        if (!pair.success) {
          const known = ['cpu', 'gpu', 'memory'].includes(resource.toLowerCase());
          return bad(known ? firstIssue(pair.error) : `\`${resource}\` is not a resource; use cpu=, gpu= or memory=`);
        }
        quota[pair.data.resource] = pair.data.value;
        i++;
      }
      if (Object.keys(quota).length === 0) return bad('give at least one of cpu=N, gpu=N, memory=64G');
      values.set(arg.name, quota);
      continue;
    }
    const token = tokens[i];
    if (token === undefined) {
      if (arg.optional) continue;
      return bad(`missing ${usageOfArg(arg)}`);
    }
    const parsed = single[arg.kind].safeParse(token);
    if (!parsed.success) {
      // An optional argument that does not fit may be the next one: `/quota show @bob` skips service.
      if (arg.optional && !laterRequired && index < sub.args.length - 1) continue;
      const message = firstIssue(parsed.error);
      return bad(message.startsWith('`') ? message : `${arg.name} \`${token}\` ${message}`);
    }
    values.set(arg.name, parsed.data);
    i++;
  }
  if (i < tokens.length) return bad(`unexpected \`${tokens.slice(i).join(' ')}\``);
  return { ok: true, sub, args: new ParsedArgs(values) };
}

/**
 * Discord's typed options → the text a Slack user would type, so one parser serves both.
 * User options arrive as ids and become mentions (`<@id|name>` when `userNames` knows the name);
 * `cpu`, `gpu`, `memory` become `cpu=N …`. A value stays one word unless its argument takes the
 * rest of the line: spaces become `␣`, so `member: "bob admin"` is refused instead of read as a role.
 */
export function textFromOptions(
  command: CommandName,
  subcommand: string,
  options: Record<string, string | number | boolean | undefined>,
  userNames: Record<string, string> = {},
): string {
  const word = (v: string | number | boolean) => String(v).trim().replace(/\s+/g, '␣');
  const sub = specFor(command).subcommands.find((s) => s.name === subcommand);
  if (!sub) return subcommand;
  const parts = [subcommand];
  for (const arg of sub.args) {
    if (arg.kind === 'quota') {
      for (const r of ['cpu', 'gpu', 'memory'] as const) if (options[r] !== undefined && options[r] !== '') parts.push(`${r}=${word(options[r])}`);
      continue;
    }
    const v = options[arg.name];
    if (v === undefined || v === '') continue;
    const name = userNames[String(v)]?.replace(/[<>|\s]/g, '');
    if (arg.kind === 'mention') parts.push(name ? `<@${v}|${name}>` : `<@${v}>`);
    else parts.push(arg.kind === 'reason' || arg.kind === 'keyIds' ? String(v) : word(v));
  }
  return parts.join(' ');
}
