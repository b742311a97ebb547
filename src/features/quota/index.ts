import { defineCommand, defineFeature, type Feature } from '../../core/feature.js';
import { quotaHandlers } from './commands.js';
import { messages, type MessageId } from './messages.js';
import { quotaChangeFlow } from './quota-change.js';
import { quotaSpec } from './spec.js';

/** `/quota show|set|request|pending|cancel`: quotas, and changes a second admin approves in a channel. */
export const quotaFeature = (): Feature =>
  defineFeature({
    name: 'quota',
    commands: [defineCommand<typeof quotaSpec, MessageId>(quotaSpec, quotaHandlers)],
    flows: { 'quota.set': quotaChangeFlow, 'quota.request': quotaChangeFlow },
    messages,
  });
