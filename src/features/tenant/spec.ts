import type { CommandExtension, CommandSpec } from '../../core/spec.js';

export const tenantSpec = {
  name: 'tenant',
  description: 'Link chat users to tenant members',
  usageHint: 'login | logout | link @user <member> [admin|user] | unlink @user | members | whoami | audit [n] | audit export [--since DATE] [--format jsonl|csv] | lang zh-TW|en|auto | help',
  subcommands: [
    { name: 'login', summary: 'Link yourself with your own TWCC API key', args: [], who: 'anyone', selfLink: true, examples: ['/tenant login'] },
    { name: 'logout', summary: 'Forget your link and stored credential', args: [], who: 'anyone', selfLink: true, examples: ['/tenant logout'] },
    {
      name: 'link',
      summary: 'Map a chat user to a tenant member and role',
      args: [
        { name: 'user', kind: 'mention', description: 'The chat user' },
        { name: 'member', kind: 'memberName', description: 'Tenant member name' },
        { name: 'role', kind: 'role', optional: true, description: 'admin or user (default user)' },
      ],
      who: 'admin',
      examples: ['/tenant link @alice alice', '/tenant link @bob bob admin'],
    },
    {
      name: 'unlink',
      summary: 'Remove a chat user’s link',
      args: [{ name: 'user', kind: 'mention', description: 'The chat user' }],
      who: 'admin',
      examples: ['/tenant unlink @alice'],
    },
    { name: 'members', summary: 'List tenant members and their chat links', args: [], who: 'admin', readOnly: true, examples: ['/tenant members'] },
    { name: 'whoami', summary: 'Who you are to the bot', args: [], who: 'anyone', readOnly: true, examples: ['/tenant whoami'] },
    {
      name: 'audit',
      summary: 'The latest changes (default 20), or export them all as a file',
      args: [
        { name: 'count', kind: 'count', optional: true, description: 'How many entries (1 to 200)' },
        { name: 'export', kind: 'auditExport', optional: true, description: 'The whole log as a file (JSON Lines or CSV), sent to you privately' },
      ],
      who: 'admin',
      readOnly: true,
      examples: ['/tenant audit', '/tenant audit 50', '/tenant audit export --since 2026-12-01', '/tenant audit export --format csv'],
    },
    {
      name: 'lang',
      summary: 'Choose the language the bot speaks to you: zh-TW, en, or auto (your platform’s)',
      args: [{ name: 'language', kind: 'language', description: 'zh-TW, en or auto' }],
      who: 'anyone',
      examples: ['/tenant lang zh-TW', '/tenant lang auto'],
    },
    { name: 'help', summary: 'Show what you can do with /tenant', args: [], who: 'anyone', readOnly: true, examples: ['/tenant help'] },
  ],
} as const satisfies CommandSpec;

/** `/tenant project`: offered only where the deployment serves several projects (TWCC_PROJECT as a list, LOCAL_PROJECTS). */
export const tenantProjectSpec = {
  extends: 'tenant',
  subcommands: [
    {
      name: 'project',
      summary: 'Which project applies here and why; a tenant admin binds this channel or workspace to a project',
      args: [
        { name: 'action', kind: 'projectAction', optional: true, description: 'bind, bind-workspace, unbind, unbind-workspace or approvals' },
        { name: 'project', kind: 'project', optional: true, description: 'The project’s code, such as GOV108009' },
      ],
      who: 'anyone',
      severalProjects: true,
      examples: ['/tenant project', '/tenant project bind GOV108009', '/tenant project bind-workspace GOV108009', '/tenant project approvals'],
    },
  ],
} as const satisfies CommandExtension;
