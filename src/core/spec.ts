/**
 * What an argument is. The kind picks its zod schema in src/core/parser.ts, its Discord option
 * type, its wording in usage text, and the type a handler receives (ArgValueByKind).
 * - `mention`: a chat user (`@bob` in text; a user option on Discord)
 * - `keyIds`: one or more key ids, separated by spaces or commas (rest of the line)
 * - `quota`: `cpu=N gpu=N memory=64G`, at least one; Discord gives cpu, gpu, memory options
 * - `reason`: free text to the end of the line (at most 500 characters; the reply says when it was cut)
 * - `requestId`: the id of a pending request, as the reply to `/quota request` gives it
 * - `onOff`: `on` or `off` (a switch such as `/apikey reminders off`)
 * - `language`: `zh-TW`, `en` or `auto`, for `/tenant lang`
 * - `project`: a TWCC project's plan code (`GOV108009`); it names the invocation's project (src/core/projects.ts)
 * - `projectAction`: what `/tenant project` does: `bind`, `bind-workspace`, `unbind`, `unbind-workspace`, `approvals`
 * - `auditExport`: `export [--since 2026-12-01] [--format jsonl|csv]` (rest of the line); Discord gives
 *   `export`, `since` and `format` options
 */
export type ArgKind =
  | 'mention'
  | 'keyId'
  | 'keyIds'
  | 'days'
  | 'service'
  | 'quota'
  | 'reason'
  | 'count'
  | 'memberName'
  | 'role'
  | 'requestId'
  | 'onOff'
  | 'language'
  | 'project'
  | 'projectAction'
  | 'auditExport';

export interface ArgSpec {
  /** Option name on Discord, placeholder in usage text, key of the handler's `args`. */
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
  readonly description: string;
}

/** `anyone`: even unlinked users; `member`: any linked member; `admin`: tenant admins. */
export type Audience = 'anyone' | 'member' | 'admin';

/** `confirm`: a button click by the requester before it runs; `approval`: a second admin's click. */
export type FlowKind = 'confirm' | 'approval';

export interface SubcommandSpec {
  readonly name: string;
  /** Other words typed for it (`ls` for `list`); not shown in help, not registered on Discord. */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly who: Audience;
  /** Names the flow this subcommand starts; its feature registers one flow action under `command.sub`. */
  readonly flow?: FlowKind;
  /**
   * Changes nothing: on a store that cannot take writes (a read-only SQLite file) it still runs,
   * without the delivery de-duplication (a retried read is answered twice, which is harmless).
   */
  readonly readOnly?: true;
  /**
   * `selfLink`: links the caller by their own TWCC login; on a backend without logins (the embedded
   * registry, where an admin links members) it is not offered to members.
   */
  readonly selfLink?: true;
  /**
   * Offered only where the deployment serves several projects, and answered even where none applies
   * (nothing bound, none chosen): `/tenant project` says why.
   */
  readonly severalProjects?: true;
  readonly examples: readonly string[];
}

export interface CommandSpec {
  /** The slash command, without the slash: `apikey`. */
  readonly name: string;
  readonly description: string;
  /** Slack manifest usage hint. */
  readonly usageHint: string;
  readonly subcommands: readonly SubcommandSpec[];
}

/**
 * Subcommands a feature adds to a command another feature declares (reminders adds `/apikey
 * reminders`). They are listed before that command's `help`.
 */
export interface CommandExtension {
  readonly extends: string;
  readonly subcommands: readonly SubcommandSpec[];
}
