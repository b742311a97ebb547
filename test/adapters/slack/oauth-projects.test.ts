import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { GENERAL, Workspaces, type Place } from './workspaces.js';

let world: Workspaces | undefined;
/** The folder the bot writes its export files in (os.tmpdir() reads TMPDIR at each call). */
let exports: string;
const tmpBefore = process.env.TMPDIR;
beforeEach(() => {
  exports = mkdtempSync(join(tmpdir(), 'chatops-oauth-exports-'));
  process.env.TMPDIR = exports;
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  rmSync(exports, { recursive: true, force: true });
});

const LAB_A: Place = { teamId: 'TLABA' };
const LAB_B: Place = { teamId: 'TLABB' };

/**
 * One deployment, LOCAL_PROJECTS=LAB1,LAB2, installed through OAuth in two workspaces: Lab A's
 * admin binds Lab A to LAB1, Lab B's binds Lab B to LAB2. What happens in one workspace's project
 * stays there: lists, approvals, the audit trail and its export.
 */
it('two workspaces installed through OAuth, each bound to its own project: no cross-talk', async () => {
  world = await Workspaces.start({ projects: ['LAB1', 'LAB2'], admins: ['LAB1:slack:UADMINA', 'LAB2:slack:UADMINB', 'LAB2:slack:UADMINC'] });
  const w = world;
  await w.install({ team: { id: 'TLABA', name: 'Lab A' } });
  await w.install({ team: { id: 'TLABB', name: 'Lab B' } });
  const [tokenA] = w.fake.tokensOf('TLABA');
  const [tokenB] = w.fake.tokensOf('TLABB');
  const says = async (place: Place, user: string, line: string) => (await w.types(place, user, line)).answer();

  expect(await says(LAB_A, 'UADMINA', '/tenant project bind-workspace LAB1')).toContain('LAB1');
  expect(await says(LAB_B, 'UADMINB', '/tenant project bind-workspace LAB2')).toContain('LAB2');
  await says(LAB_A, 'UADMINA', '/tenant link <@UALICE|alice> alice');
  await says(LAB_B, 'UADMINB', '/tenant link <@UBOB|bob> bob');

  // Bob (Lab B, LAB2) asks for quota: the card goes out in Lab B, with Lab B's token, naming LAB2.
  expect(await says(LAB_B, 'UBOB', '/quota request vcs cpu=16 a bigger model')).toContain('Project: LAB2');
  const card = await w.postedIn(GENERAL);
  expect(card.token).toBe(tokenB);
  expect(card.readable).toContain('Project: LAB2');

  // Lab A's admin sees none of it: not in pending, not in the audit, not as a member; his click decides nothing.
  expect(await says(LAB_A, 'UADMINA', '/quota pending')).not.toContain('bob');
  expect(await says(LAB_A, 'UADMINA', '/tenant audit')).not.toContain('UBOB');
  expect(await says(LAB_A, 'UADMINA', '/tenant members')).not.toContain('bob');
  await w.clicks(LAB_A, 'UADMINA', card, 'Approve');
  expect(w.fake.callsTo('chat.update')).toEqual([]);

  // Alice (Lab A, LAB1) lists her keys: hers only, in LAB1.
  await says(LAB_A, 'UALICE', '/apikey create');
  expect(await says(LAB_A, 'UALICE', '/apikey list')).toContain('Project: LAB1');
  expect(await says(LAB_B, 'UADMINB', '/tenant audit')).not.toContain('UALICE');

  // LAB2's second admin, in Lab B, approves: the card is updated with Lab B's token.
  expect((await w.clicks(LAB_B, 'UADMINC', card, 'Approve')).status).toBe(200);
  await w.fake.waitFor('the card updated', () => w.fake.callsTo('chat.update')[0]);
  expect(w.fake.callsTo('chat.update').map((c) => c.token)).toEqual([tokenB]);
  expect((await w.postedIn(GENERAL)).readable).toMatch(/Approved by @uadminc and applied\.[\s\S]*Project: LAB2/);
  expect(tokenA).not.toBe(tokenB);

  // Lab A's admin exports the audit trail: LAB1's events only, uploaded to his DM with Lab A's token.
  expect(await says(LAB_A, 'UADMINA', '/tenant audit export')).toMatch(/^Audit export \(JSON Lines\): 3 entries/);
  const [file] = [...w.fake.files.values()];
  expect(w.fake.callsTo('files.completeUploadExternal').map((c) => c.token)).toEqual([tokenA]);
  const events = file!.content!.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { project: string; actor: { chat: string } });
  expect(events.map((e) => e.project)).toEqual(['LAB1', 'LAB1', 'LAB1']);
  expect(events.map((e) => e.actor.chat)).not.toContain('slack:UBOB');
});
