import { defineCommand, defineFeature, type Feature } from '../../core/feature.js';
import { quotaHandlers } from './commands.js';
import { messages, type MessageId } from './messages.js';
import { quotaChangeFlow } from './quota-change.js';
import { quotaSpec } from './spec.js';
import type { BreakGlassOptions } from './terms.js';
import type { ApprovalSettings } from '../approvals/settings.js';

/** `/quota show|set|request|pending|cancel`: quotas, and changes other admins approve in a channel (APPROVAL_POLICY). */
export const quotaFeature = (opts: { approvals?: ApprovalSettings; breakGlass?: BreakGlassOptions } = {}): Feature =>
  defineFeature({
    name: 'quota',
    commands: [defineCommand<typeof quotaSpec, MessageId>(quotaSpec, quotaHandlers(opts.approvals, opts.breakGlass))],
    flows: { 'quota.set': quotaChangeFlow, 'quota.request': quotaChangeFlow },
    messages,
  });
