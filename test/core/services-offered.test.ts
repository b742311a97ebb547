import { afterEach, describe, expect, it } from 'vitest';
import { buildCommands } from '../../adapters/discord/commands.js';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import { servicesOf } from '../../src/config.js';
import { commandSpecs as allCommandSpecs } from '../../src/features/index.js';

const commandSpecs = allCommandSpecs();
import { TestBot } from '../helpers/test-bot.js';

/** The embedded registry, set up as a TWCC deployment without TWCC_CCS_SITE would be: VCS only. */
class VcsOnlyRegistry extends LocalRegistry {
  override readonly capabilities = { login: false, adminLinks: true, quotaWrite: true, services: ['vcs' as const] };
}

let bot: TestBot | undefined;
afterEach(() => bot?.stop());

describe('a deployment without CCS', () => {
  it('does not offer ccs in help, and refuses it in words before any backend call', async () => {
    bot = await TestBot.start({ backend: (store) => new VcsOnlyRegistry(store) });
    await bot.say('admin', '/tenant link @alice alice');
    const help = (await bot.say('alice', '/quota help')).text;
    expect(help).toContain('`/quota request vcs cpu=N gpu=N memory=64G [reason…]`');
    expect(help).not.toContain('ccs');
    expect((await bot.say('alice', '/quota request ccs gpu=2')).text).toBe('CCS is not enabled for this deployment; only VCS is.');
    expect(bot.posts('approvals')).toHaveLength(0);
    expect((await bot.say('alice', '/quota request vcs gpu=2')).text).toMatch(/^Asked the tenant admins to approve VCS quota/);
  });

  it('registers Discord choices with vcs only, as the deployment’s configuration says', () => {
    expect(servicesOf({ BACKEND: 'twcc', TWCC_CCS_SITE: undefined })).toEqual(['vcs']);
    expect(servicesOf({ BACKEND: 'twcc', TWCC_CCS_SITE: 'k8s-D-twcc' })).toEqual(['vcs', 'ccs']);
    expect(servicesOf({ BACKEND: 'local', TWCC_CCS_SITE: undefined })).toEqual(['vcs', 'ccs']);
    const json = JSON.stringify(buildCommands(commandSpecs, servicesOf({ BACKEND: 'twcc', TWCC_CCS_SITE: undefined })));
    expect(json).toContain('"choices":[{"name":"vcs","value":"vcs"}]');
    expect(json).not.toContain('"value":"ccs"');
  });
});
