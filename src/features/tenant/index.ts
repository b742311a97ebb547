import { defineCommand, defineFeature, type Feature } from '../../core/feature.js';
import { completeLogin, tenantHandlers } from './commands.js';
import { messages, type MessageId } from './messages.js';
import { project } from './project.js';
import { tenantProjectSpec, tenantSpec } from './spec.js';

/** `/tenant login|logout|link|unlink|members|whoami|audit|lang|project`: who is who, and what was done. */
export const tenantFeature = (): Feature =>
  defineFeature({
    name: 'tenant',
    commands: [
      defineCommand<typeof tenantSpec, MessageId>(tenantSpec, tenantHandlers),
      // Offered only where the deployment serves several projects (the core leaves it out otherwise).
      defineCommand<typeof tenantProjectSpec, MessageId>(tenantProjectSpec, { project }),
    ],
    login: completeLogin,
    messages,
  });
