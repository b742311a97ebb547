import type { CommandSpec } from '../../core/spec.js';

export const quotaSpec = {
  name: 'quota',
  description: 'Show and change resource quotas',
  usageHint: 'show [ccs|vcs] [@member] | set @member <ccs|vcs> cpu=N gpu=N memory=64G | request <ccs|vcs> cpu=N … [reason] | pending | cancel <request-id> | help',
  subcommands: [
    {
      name: 'show',
      summary: 'Usage and quota per resource (admins see every member)',
      args: [
        { name: 'service', kind: 'service', optional: true, description: 'ccs or vcs (default: both)' },
        { name: 'member', kind: 'mention', optional: true, description: 'One member (admins only)' },
      ],
      who: 'member',
      readOnly: true,
      examples: ['/quota show', '/quota show vcs', '/quota show vcs @alice'],
    },
    {
      name: 'set',
      summary: 'Change a member’s quota (up or down); another admin approves',
      args: [
        { name: 'member', kind: 'mention', description: 'The member' },
        { name: 'service', kind: 'service', description: 'ccs or vcs' },
        { name: 'quota', kind: 'quota', description: 'cpu=N gpu=N memory=64G (at least one)' },
        { name: 'reason', kind: 'reason', optional: true, description: 'Why' },
      ],
      who: 'admin',
      flow: 'approval',
      examples: ['/quota set @alice vcs cpu=16 gpu=2 memory=64G'],
    },
    {
      name: 'request',
      summary: 'Ask for more quota for yourself; an admin approves',
      args: [
        { name: 'service', kind: 'service', description: 'ccs or vcs' },
        { name: 'quota', kind: 'quota', description: 'cpu=N gpu=N memory=64G (at least one)' },
        { name: 'reason', kind: 'reason', optional: true, description: 'Why you need it' },
      ],
      who: 'member',
      flow: 'approval',
      examples: ['/quota request vcs gpu=4 {reason}'],
    },
    {
      name: 'pending',
      summary: 'Requests waiting for approval, with their age (admins see every one)',
      args: [],
      who: 'member',
      readOnly: true,
      examples: ['/quota pending'],
    },
    {
      name: 'cancel',
      summary: 'Withdraw your own pending request',
      args: [{ name: 'request-id', kind: 'requestId', description: 'The request id, as /quota pending shows it' }],
      who: 'member',
      examples: ['/quota cancel Fq3kZ8mWp2Xa'],
    },
    { name: 'help', summary: 'Show what you can do with /quota', args: [], who: 'anyone', readOnly: true, examples: ['/quota help'] },
  ],
} as const satisfies CommandSpec;
