import { defineCommand, defineFeature, type Feature } from '../../core/feature.js';
import { quotaHandlersWith } from './commands.js';
import { messages, type MessageId } from './messages.js';
import { quotaChangeFlow } from './quota-change.js';
import { quotaSpec } from './spec.js';
import type { BreakGlassOptions } from './terms.js';

/** `/quota show|set|request|pending|cancel`: quotas, and changes a second admin approves in a channel. */
export const quotaFeature = (opts: { breakGlass?: BreakGlassOptions } = {}): Feature =>
  defineFeature({
    name: 'quota',
    commands: [defineCommand<typeof quotaSpec, MessageId>(quotaSpec, quotaHandlersWith(opts))],
    flows: { 'quota.set': quotaChangeFlow, 'quota.request': quotaChangeFlow },
    messages,
  });
