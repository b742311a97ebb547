import type { CommandSpec } from '../../core/spec.js';

/** `/apikey`: the member's own keys (an admin's: anyone's). `/apikey reminders` comes from the reminders feature. */
export const apikeySpec = {
  name: 'apikey',
  description: 'Manage your TWCC API keys',
  usageHint: 'list [@member] | create | extend <key-id> <days> | delete <key-id>... | reminders [on|off] | help',
  subcommands: [
    {
      name: 'list',
      aliases: ['ls'],
      summary: 'List API keys (yours; an admin may name a member)',
      args: [{ name: 'member', kind: 'mention', optional: true, description: 'Whose keys (admins only)' }],
      who: 'member',
      readOnly: true,
      examples: ['/apikey list', '/apikey list @alice'],
    },
    {
      name: 'create',
      summary: 'Create a new API key; the secret is shown once, only to you',
      args: [],
      who: 'member',
      examples: ['/apikey create'],
    },
    {
      name: 'extend',
      summary: 'Move a key’s expiry by a number of days',
      args: [
        { name: 'key-id', kind: 'keyId', description: 'The key id, as /apikey list shows it' },
        { name: 'days', kind: 'days', description: 'Days to add; the new expiry may be at most KEY_MAX_DAYS (default 365) days away' },
      ],
      who: 'member',
      examples: ['/apikey extend k-3f9a2c 30'],
    },
    {
      name: 'delete',
      aliases: ['rm', 'remove', 'del'],
      summary: 'Delete keys, after you confirm with a button',
      args: [{ name: 'key-id', kind: 'keyIds', description: 'Key ids, separated by spaces or commas' }],
      who: 'member',
      flow: 'confirm',
      examples: ['/apikey delete k-3f9a2c', '/apikey delete k-3f9a2c k-77b01e'],
    },
    { name: 'help', summary: 'Show what you can do with /apikey', args: [], who: 'anyone', readOnly: true, examples: ['/apikey help'] },
  ],
} as const satisfies CommandSpec;
