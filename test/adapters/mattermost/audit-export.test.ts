import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { World, type Person } from './harness.js';

let world: World;
let admin: Person;

beforeEach(async () => {
  world = await World.start();
  admin = world.person('uadmin1', 'admin1');
});

afterEach(async () => {
  await world.close();
});

describe('/tenant audit export on Mattermost', () => {
  it('says in words that no file can be sent here yet, and where to export instead; no file is written', async () => {
    const answered = await (await admin.types('/tenant audit export')).answer();
    expect(answered.readable).toBe(
      'An audit export cannot be sent as a file on Mattermost yet: run `/tenant audit export` on Slack or Discord, or `npm run audit:export` on the server.',
    );
  });
});
