import type { CommandExtension } from '../../core/spec.js';

/** `/apikey reminders [on|off]`: added to the apikey feature's command. */
export const remindersSpec = {
  extends: 'apikey',
  subcommands: [
    {
      name: 'reminders',
      summary: 'Turn your key-expiry reminders off or on; alone, says whether they are on',
      args: [{ name: 'state', kind: 'onOff', optional: true, description: 'off: no reminders; on: reminders again' }],
      who: 'member',
      examples: ['/apikey reminders off', '/apikey reminders on', '/apikey reminders'],
    },
  ],
} as const satisfies CommandExtension;
