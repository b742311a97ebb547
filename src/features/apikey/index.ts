import { defineCommand, defineFeature, type Feature } from '../../core/feature.js';
import { confirmFlow } from '../../core/flows/actions.js';
import { apikeyHandlers } from './commands.js';
import { deleteKeysAction } from './delete-keys.js';
import { messages, type MessageId } from './messages.js';
import { apikeySpec } from './spec.js';

export interface ApikeyOptions {
  /** KEY_MAX_DAYS: how far ahead `/apikey extend` may move an expiry, in days from today (default 365). */
  keyMaxDays?: number;
}

/** `/apikey list|create|extend|delete`: a member's API keys; deletion waits for its requester's click. */
export const apikeyFeature = ({ keyMaxDays = 365 }: ApikeyOptions = {}): Feature =>
  defineFeature({
    name: 'apikey',
    commands: [defineCommand<typeof apikeySpec, MessageId>(apikeySpec, apikeyHandlers(keyMaxDays))],
    flows: { 'apikey.delete': confirmFlow(deleteKeysAction) },
    messages,
  });
