import { auditBase } from '../../core/audit.js';
import type { CommandHandler } from '../../core/feature.js';
import type { Outcome } from '../../core/outcome.js';
import type { BindingScope } from '../../core/projects.js';
import { reply } from '../../core/reply.js';
import type { MessageId } from './messages.js';
import type { tenantProjectSpec } from './spec.js';

type ProjectHandler = CommandHandler<(typeof tenantProjectSpec)['subcommands'][0], MessageId>;

const answer = (message: string): Outcome => ({ kind: 'reply', reply: reply(message) });

/**
 * `/tenant project`: which project applies here and why; `bind`/`bind-workspace <code>` (a tenant
 * admin of that project) make this channel or the whole workspace (Discord: server) act on it,
 * `unbind`/`unbind-workspace` undo that, `approvals` makes this channel the project's approvals channel.
 * The core has already chosen the project (the one `<code>` names, else this channel's), and the
 * caller's role is their role in it.
 */
export const project: ProjectHandler = async ({ services, user, where, actor, args, t }) => {
  const { project: here, bindings } = services;
  const action = args.action;
  if (!action) {
    if (here.why === 'none') {
      return answer(t.t('tenant.project.none', { n: here.memberOf?.length ?? 0, projects: here.codes.join(', ') }));
    }
    const bound = here.why === 'channel' || here.why === 'workspace' ? await bindings.of(user.platform, where) : undefined;
    const by = bound ? t.t('tenant.project.boundBy', { by: bound.by, at: t.date(bound.at) }) : '';
    const approvals = await services.store.collection<{ channelId: string }>('settings').get(`approvals:${user.platform}`);
    const lines = [t.t('tenant.project.applies', { project: here.code, why: here.why, note: by })];
    if (approvals) lines.push(t.t('tenant.project.approvalsHere', { project: here.code, channel: approvals.channelId }));
    return answer(lines.join('\n'));
  }
  const scope: BindingScope = action.endsWith('-workspace') ? 'workspace' : 'channel';
  if ((action === 'bind' || action === 'bind-workspace') && !args.project) {
    return answer(t.t('tenant.project.needCode', { action, projects: here.codes.join(', ') }));
  }
  if (here.why === 'none') return answer(t.t('tenant.project.needCode', { action, projects: here.codes.join(', ') }));
  if (actor?.role !== 'admin') return answer(t.t('tenant.project.adminOnly', { project: here.code, action }));
  const base = { ...auditBase(user, where, actor), target: scope === 'channel' ? `${user.platform}:${where.workspace}:${where.channelId}` : `${user.platform}:${where.workspace}` };
  switch (action) {
    case 'bind':
    case 'bind-workspace': {
      const existing = await bindings.exactly(user.platform, where, scope);
      // Taking a channel from another project is that project's admins' to allow: they unbind it first.
      if (existing && existing.project !== here.code) return answer(t.t('tenant.project.takenBy', { scope, other: existing.project }));
      await bindings.bind(user.platform, where, scope, here.code, `${user.platform}:${user.name ?? user.userId}`);
      await services.audit.append({ ...base, action: 'project.bound', outcome: 'ok', detail: `${scope} to ${here.code}` });
      return answer(t.t('tenant.project.bound', { scope, project: here.code }));
    }
    case 'unbind':
    case 'unbind-workspace': {
      const existing = await bindings.exactly(user.platform, where, scope);
      if (!existing || existing.project !== here.code) return answer(t.t('tenant.project.notBound', { scope, project: here.code }));
      await bindings.unbind(user.platform, where, scope);
      await services.audit.append({ ...base, action: 'project.unbound', outcome: 'ok', detail: `${scope} from ${here.code}` });
      return answer(t.t('tenant.project.unbound', { scope, project: here.code }));
    }
    case 'approvals': {
      await services.store.collection('settings').put(`approvals:${user.platform}`, { workspace: where.workspace, channelId: where.channelId });
      await services.audit.append({ ...base, action: 'project.approvals', outcome: 'ok', detail: here.code });
      return answer(t.t('tenant.project.approvalsSet', { project: here.code }));
    }
  }
};
