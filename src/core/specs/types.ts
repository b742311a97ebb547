import type { CommandName } from '../invocation.js';

/**
 * What an argument is. The kind picks its zod schema in src/core/parser.ts, its Discord option
 * type, and its wording in usage text.
 * - `mention`: a chat user (`<@U123|bob>` on Slack, a user option on Discord, `@bob` in the shell)
 * - `keyIds`: one or more key ids, separated by spaces or commas (rest of the line)
 * - `quota`: `cpu=N gpu=N memory=64G`, at least one; Discord gives cpu, gpu, memory options
 * - `reason`: free text to the end of the line
 */
export type ArgKind = 'mention' | 'keyId' | 'keyIds' | 'days' | 'service' | 'quota' | 'reason' | 'count' | 'memberName' | 'role';

export interface ArgSpec {
  /** Option name on Discord, placeholder in usage text. */
  name: string;
  kind: ArgKind;
  optional?: boolean;
  description: string;
}

/** `anyone`: even unlinked users; `member`: any linked member; `admin`: tenant admins. */
export type Audience = 'anyone' | 'member' | 'admin';

export interface SubcommandSpec {
  name: string;
  summary: string;
  args: ArgSpec[];
  who: Audience;
  /** `confirm`: a button click by the requester before it runs; `approval`: a second admin's click. */
  flow?: 'confirm' | 'approval';
  examples: string[];
}

export interface CommandSpec {
  name: CommandName;
  description: string;
  /** Slack manifest usage hint. */
  usageHint: string;
  subcommands: SubcommandSpec[];
}
