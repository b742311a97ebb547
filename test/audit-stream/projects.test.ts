import { afterEach, expect, it } from 'vitest';
import { auditStreamOf, type RunningAuditStream } from '../../src/audit-stream/index.js';
import { parseConfig } from '../../src/config.js';
import { projectStore } from '../../src/core/projects.js';
import { silentLogger } from '../../src/log.js';
import { TestBot } from '../helpers/test-bot.js';
import { SECRET } from './harness.js';
import { startReceiver, verifySignature, type Receiver } from './receiver.js';

let bot: TestBot | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await bot?.stop();
  await receiver?.close();
});

it('with several projects, each project’s trail reaches the SIEM naming its project, and each log is held to its own cursor', async () => {
  receiver = await startReceiver();
  const config = parseConfig({ LOCAL_PROJECTS: 'LAB1,LAB2', AUDIT_WEBHOOK_URL: receiver.url, AUDIT_WEBHOOK_SECRET: SECRET, AUDIT_KEEP: '100' });
  if (!config.ok) throw new Error(JSON.stringify(config.problems));
  // The core's audit logs ask the stream for their floor; the stream is made on the core's store.
  const made: { stream?: RunningAuditStream } = {};
  bot = await TestBot.start({
    projects: ['LAB1', 'LAB2'],
    admins: ['LAB1:local:ann', 'LAB2:local:ben'],
    auditKeep: 100,
    auditFloor: (store) => made.stream!.floor(store),
  });
  const stream = (made.stream = auditStreamOf(config.value, bot.store, silentLogger(), ['LAB1', 'LAB2'])!);
  expect(stream.sweepers).toHaveLength(2);

  await bot.say('ann', '/tenant link @alice alice');
  await bot.say('ben', '/tenant link @bob bob');
  await bot.say('alice', '/apikey create');
  await bot.say('bob', '/apikey create');
  for (const sweeper of stream.sweepers) await sweeper.runOnce();

  const events = receiver.takenEvents();
  const byProject = (p: string) => events.filter((e) => e.project === p).map((e) => `${String(e.action)} ${JSON.stringify(e.actor)}`);
  expect(byProject('LAB1')).toEqual([expect.stringMatching(/^member\.link .*local:ann/), expect.stringMatching(/^apikey\.create .*local:alice/)]);
  expect(byProject('LAB2')).toEqual([expect.stringMatching(/^member\.link .*local:ben/), expect.stringMatching(/^apikey\.create .*local:bob/)]);
  for (const r of receiver.taken()) expect(verifySignature(SECRET, r.headers, r.body)).toBe(true);

  // Each project's floor is its own stream's cursor: both logs were streamed up to their second entry.
  expect(await stream.floor(projectStore(bot.store, 'LAB1', true))).toBe(2);
  expect(await stream.floor(projectStore(bot.store, 'LAB2', false))).toBe(2);
  await bot.say('bob', '/apikey create');
  expect(await stream.floor(projectStore(bot.store, 'LAB2', false))).toBe(2);
  await stream.sweepers[1]!.runOnce();
  expect(await stream.floor(projectStore(bot.store, 'LAB2', false))).toBe(3);
  expect(await stream.floor(projectStore(bot.store, 'LAB1', true))).toBe(2);
});
