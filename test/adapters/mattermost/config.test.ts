import { describe, expect, it } from 'vitest';
import { mattermostEnabled, parseConfig } from '../../../src/config.js';
import { adminMembers } from '../../../src/core/identity.js';

const ALL = {
  MATTERMOST_URL: 'https://mattermost.example.org',
  MATTERMOST_BOT_TOKEN: 'bot-token',
  MATTERMOST_COMMAND_TOKENS: 'a,b,c',
  MATTERMOST_BOT_URL: 'https://chatops.example.org',
};

describe('Mattermost in the configuration', () => {
  it('is on when its four variables are set', () => {
    const parsed = parseConfig(ALL);
    expect(parsed.ok && mattermostEnabled(parsed.value)).toBe(true);
    const none = parseConfig({});
    expect(none.ok && mattermostEnabled(none.value)).toBe(false);
  });

  it('half set is refused, naming each missing variable and where to find it; never a silent fallback to the shell', () => {
    const parsed = parseConfig({ MATTERMOST_URL: ALL.MATTERMOST_URL, MATTERMOST_BOT_TOKEN: ALL.MATTERMOST_BOT_TOKEN });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.variable)).toEqual(['MATTERMOST_COMMAND_TOKENS', 'MATTERMOST_BOT_URL']);
    expect(parsed.problems[0]!.message).toMatch(/^not set, but MATTERMOST_URL and MATTERMOST_BOT_TOKEN are; set it to the tokens of the \/apikey, \/quota and \/tenant slash commands/);
  });

  it('refuses a URL without its scheme, naming the variable and never echoing the value', () => {
    const parsed = parseConfig({ ...ALL, MATTERMOST_URL: 'mattermost.example.org' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([{ variable: 'MATTERMOST_URL', message: expect.stringMatching(/^is not an http\(s\) URL; write the Mattermost server’s address/) }]);
  });

  it('ADMINS accepts mattermost:<user id>, alone or joined with other platforms as one person', () => {
    const parsed = parseConfig({ ADMINS: 'mattermost:u1abc,anna=slack:UANNA+discord:123456789012345678+mattermost:uanna' });
    expect(parsed.ok && parsed.value.ADMINS).toEqual(['mattermost:u1abc', 'anna=slack:UANNA+discord:123456789012345678+mattermost:uanna']);
    const members = adminMembers(parsed.ok ? parsed.value.ADMINS : []);
    expect(members.get('mattermost:uanna')).toBe('anna');
    expect(members.get('slack:UANNA')).toBe('anna');
  });
});
