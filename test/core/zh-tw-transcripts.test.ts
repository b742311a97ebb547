import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SweepReport } from '../../src/features/reminders/sweep.js';
import { loadConfig } from '../../src/config.js';
import type { ApprovalSweepReport } from '../../src/features/approvals/sweep.js';
import type { Middleware } from '../../src/core/middleware.js';
import type { Button } from '../../src/core/reply.js';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';
import { TestBot, type TestBotOptions, type Said } from '../helpers/test-bot.js';

/**
 * Every kind of reply, read in Traditional Chinese: each person chose `/tenant lang zh-TW`, and the
 * conversation is checked in as a transcript (test/core/__transcripts__/zh-TW/). Random ids and secrets
 * are numbered by first appearance; the clock is fixed, and dates are in Asia/Taipei, so dates are real.
 * After a deliberate change of wording: `npx vitest run test/core/zh-tw-transcripts.test.ts -u`, then read the diff.
 */

const NOW = Date.parse('2026-12-03T02:00:00Z');
const IDS: [RegExp, string][] = [
  [/\bk-[0-9a-f]{6}\b/g, 'k'],
  [/(?<=`)[A-Za-z0-9_-]{12}(?=`)/g, 'request'],
];
const RANDOM: [RegExp, string][] = [
  [/twcc_[A-Za-z0-9_-]{32}/g, 'twcc_<secret>'],
  [/twcc_[A-Za-z0-9_-]{4}…/g, 'twcc_<masked>…'],
  [/(?<=參考編號 )[0-9a-f]{8}/g, '<ref>'],
];

function normalize(text: string): string {
  let out = text;
  for (const [pattern, name] of IDS) [...new Set(out.match(pattern) ?? [])].forEach((id, n) => (out = out.replaceAll(id, `<${name}${n + 1}>`)));
  for (const [pattern, placeholder] of RANDOM) out = out.replace(pattern, placeholder);
  return out;
}

/** What a confirm dialog asks, as the platform shows it before the click is sent. */
const dialogOf = (b: Button) => (b.confirm ? `\n    〔${b.confirm.title}〕${b.confirm.text} [${b.confirm.confirm}] [${b.confirm.deny}]` : '');

function shown(s: Said): string {
  const head =
    s.where === 'approvals'
      ? '#approvals:'
      : s.where === 'dm'
        ? `（僅 ${s.to} 看得到）`
        : s.where === 'modal'
          ? '(modal)'
          : s.where === 'thread'
            ? '#approvals（卡片下的回覆）:'
            : s.where === 'edit'
              ? `${s.to.replace(/\/\d+$/, '')}（卡片已更新）:`
              : s.where === 'escalation'
                ? '#escalation:'
                : '';
  const buttons = (s.reply?.blocks ?? []).flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
  const body = s.text + buttons.map(dialogOf).join('');
  return head ? `${head}\n${body.replace(/^/gm, '  ')}` : body;
}

let bot: TestBot;
let clock = NOW;
let lines: string[];
let twcc: FakeTwcc | undefined;

/** A bot on the embedded registry, unless the test starts another one with `restart`. */
async function restart(opts: TestBotOptions): Promise<void> {
  await bot.stop();
  bot = await TestBot.start({ now: () => clock, timeZone: 'Asia/Taipei', ...opts });
}

beforeEach(async () => {
  clock = NOW;
  bot = await TestBot.start({ now: () => clock, timeZone: 'Asia/Taipei' });
  lines = [];
});
afterEach(async () => {
  await bot.stop();
  await twcc?.close();
  twcc = undefined;
});

/** Runs a step and writes what the person typed and everything the bot said because of it. */
async function step(who: string, typed: string, run: () => Promise<unknown>): Promise<void> {
  const before = bot.transcript.length;
  await run();
  lines.push(`${who}> ${typed}`, ...bot.transcript.slice(before).map(shown));
}
const says = (who: string, line: string) => step(who, line, () => bot.say(who, line));
const clicks = (who: string, label: string) => step(who, `〔按下「${label}」〕`, () => bot.click(label, who));
const transcript = () => `${normalize(lines.join('\n'))}\n`;

async function everyoneSpeaksChinese(...people: string[]): Promise<void> {
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('admin', '/tenant link @bob bob admin');
  for (const p of people) await says(p, '/tenant lang zh-TW');
}

describe('zh-TW transcripts', () => {
  it('help, usage errors and refusals', async () => {
    await everyoneSpeaksChinese('admin', 'alice', 'eve');
    await says('alice', '/apikey help');
    await says('admin', '/quota help');
    await says('eve', '/tenant help');
    await says('alice', '/apikey lsit');
    await says('alice', '/apikey extend k-1 abc');
    await says('alice', '/quota request vcs memory=64');
    await says('alice', '/quota request vcs gpu = 4');
    await says('alice', '/quota request xcs gpu=4');
    await says('alice', '/tenant lang klingon');
    await says('eve', '/apikey list');
    await says('alice', '/tenant members');
    await says('alice', '/apikey extend k-nothere 30');
    await says('eve', '/tenant whoami');
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/help-and-errors.txt');
  });

  it('/apikey: create, list, extend, and delete behind a confirmation card', async () => {
    await everyoneSpeaksChinese('admin', 'alice');
    await says('alice', '/apikey list');
    await says('alice', '/apikey create');
    await says('alice', '/apikey create');
    await says('alice', '/apikey list');
    const keyIds = (bot.transcript.at(-1)!.text.match(/\bk-[0-9a-f]{6}\b/g) ?? []).slice(0, 2);
    await says('alice', `/apikey extend ${keyIds[0]} 30`);
    await says('alice', `/apikey extend ${keyIds[0]} 400`);
    await says('admin', '/apikey list @alice');
    await says('alice', `/apikey delete ${keyIds[0]}`);
    await clicks('alice', '取消');
    await says('alice', `/apikey delete ${keyIds.join(' ')}`);
    await clicks('bob', '刪除 2 把金鑰');
    await clicks('alice', '刪除 2 把金鑰');
    await clicks('alice', '刪除 2 把金鑰');
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/apikey.txt');
  });

  it('/quota: a request, its approval card, the decision, the private notice; a rejection; pending and cancel', async () => {
    await everyoneSpeaksChinese('admin', 'alice', 'bob');
    await says('alice', '/quota show vcs');
    await says('admin', '/quota show');
    await says('alice', '/quota request vcs gpu=4 cpu=16 訓練新的模型');
    await says('alice', '/quota request vcs gpu=4 cpu=16 訓練新的模型');
    await says('alice', '/quota pending');
    clock += 90 * 60_000;
    await says('admin', '/quota pending');
    await clicks('alice', '核准');
    await clicks('admin', '核准');
    await clicks('bob', '核准');
    await says('admin', '/quota set @alice vcs memory=16G 縮減閒置資源');
    await clicks('admin', '核准');
    await clicks('bob', '駁回');
    await says('alice', '/quota request vcs gpu=8');
    const id = /`([A-Za-z0-9_-]{12})`/.exec(bot.transcript.at(-1)!.text)![1]!;
    await says('alice', `/quota cancel ${id}`);
    await clicks('bob', '核准');
    await says('alice', '/quota request vcs gpu=1');
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/quota.txt');
  });

  it('approvals: a reason required, two approvers, a reminder, an escalation that decides both cards, an expiry', async () => {
    const approvals = loadConfig({
      APPROVAL_POLICY: 'quota.increase gpu>4 approvals=2; quota approvals=1',
      APPROVAL_TTL: '3h',
      APPROVAL_REMIND_AFTER: '1h',
      APPROVAL_ESCALATE_AFTER: '2h',
      ESCALATION_CHANNEL: 'CESC',
    }).parsed.approvals;
    await restart({ admins: ['local:admin', 'local:carol'], approvals });
    const sweeper = bot.core.sweeper<ApprovalSweepReport>('approval', { takeoverMs: 5_000 });
    const later = (hours: number) =>
      step('時鐘', `〔${hours} 小時後〕`, async () => {
        clock += hours * 3_600_000;
        await sweeper.runOnce();
      });
    try {
      await everyoneSpeaksChinese('admin', 'alice', 'bob', 'carol');
      await says('alice', '/quota request vcs gpu=8');
      await says('alice', '/quota request vcs gpu=8 訓練更大的模型');
      await clicks('bob', '核准');
      await clicks('bob', '核准');
      await says('admin', '/quota pending');
      await later(1);
      await later(1);
      await clicks('carol', '核准');
      await says('alice', '/quota request vcs cpu=16 多跑幾輪');
      await later(3);
    } finally {
      await sweeper.stop();
    }
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/approvals.txt');
  });

  it('limits and failures: a rate limit, an unexpected failure with its reference', async () => {
    let failing = false;
    const fail: Middleware = async (inv, next) => {
      if (failing) throw new Error('a bug');
      return next();
    };
    // The store counts rate-limit windows on its own clock: this bot runs on the real one, so dates vary.
    await restart({ now: Date.now, rateLimits: { 'apikey.create': { max: 1, windowMs: 3_600_000 } }, middleware: [fail] });
    await everyoneSpeaksChinese('alice');
    await says('alice', '/apikey create');
    await says('alice', '/apikey create');
    failing = true;
    await says('alice', '/apikey list');
    const dated = transcript().replace(/\d{4}\/\d\d\/\d\d/g, '<date>');
    await expect(dated).toMatchFileSnapshot('__transcripts__/zh-TW/limits-and-failures.txt');
  });

  it('on TWCC: the login modal, a refused key, a good one, and who the member is', async () => {
    twcc = await startFakeTwcc();
    const fake = twcc;
    await restart({
      admins: [],
      backend: twccBackendOn(fake),
    });
    await says('alice', '/tenant lang zh-TW');
    await says('alice', '/apikey list');
    await says('alice', '/tenant login');
    await step('alice', '〔在視窗貼上無效的金鑰〕', () => bot.login('alice', 'not-a-valid-key-at-all'));
    await step('alice', '〔在視窗貼上過期的金鑰〕', () => bot.login('alice', fake.users.alice!.expiredKey));
    await step('alice', '〔在視窗貼上自己的金鑰〕', () => bot.login('alice', fake.users.alice!.apiKey));
    await says('alice', '/tenant whoami');
    await says('alice', '/tenant link @bob bob');
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/twcc-login.txt');
  });

  it('/tenant: link, whoami, members, audit, unlink, logout, and back to English', async () => {
    await everyoneSpeaksChinese('admin');
    await says('admin', '/tenant link @carol carol');
    await says('admin', '/tenant whoami');
    await says('admin', '/tenant members');
    await says('admin', '/tenant audit 3');
    await says('admin', '/tenant audit export --format xml');
    await says('admin', '/tenant unlink @carol');
    await says('admin', '/tenant unlink @carol');
    await says('admin', '/tenant unlink @admin');
    await says('alice', '/tenant logout');
    await says('admin', '/tenant login');
    await says('admin', '/tenant lang en');
    await says('admin', '/tenant whoami');
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/tenant.txt');
  });
  it('a key-expiry reminder: the DM, Extend, Not now, and turning reminders off', async () => {
    const sweeper = bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000, takeoverMs: 5_000 });
    try {
      await everyoneSpeaksChinese('admin', 'alice');
      await says('alice', '/apikey create');
      await says('alice', '/apikey create');
      // 14 days before the keys expire (the registry gives 90 days): the sweep sends a DM per key.
      clock = NOW + 76 * 24 * 60 * 60 * 1000;
      await step('(提醒排程)', '（到期前 14 天的巡檢）', () => sweeper.runOnce());
      const [first, second] = bot.posts('dm', 'alice');
      const buttonOf = (card: Said | undefined, label: string) =>
        (card?.reply?.blocks ?? []).flatMap((b) => (b.type === 'buttons' ? b.buttons : [])).find((b) => b.label === label)!;
      await step('alice', '〔在第一則提醒按下「展延 90 天」〕', () => bot.clickId(buttonOf(first, '展延 90 天').id, 'alice'));
      await step('alice', '〔在第二則提醒按下「稍後再說」〕', () => bot.clickId(buttonOf(second, '稍後再說').id, 'alice'));
      await step('alice', '〔再按一次第一則的「展延 90 天」〕', () => bot.clickId(buttonOf(first, '展延 90 天').id, 'alice'));
      await says('alice', '/apikey reminders');
      await says('alice', '/apikey reminders off');
      await says('admin', '/tenant members');
    } finally {
      await sweeper.stop();
    }
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/reminders.txt');
  });

  it('time-bound grants and break-glass: the card, the DM before the end, Return now, Ask to extend, the revert', async () => {
    const HOUR = 3_600_000;
    await restart({ breakGlass: { members: ['alice'], reviewMs: 4 * HOUR } });
    const sweeper = bot.core.sweeper<object>('grant', { intervalMs: 60_000, takeoverMs: 5_000 });
    try {
      await everyoneSpeaksChinese('admin', 'alice', 'bob');
      await says('alice', '/quota request vcs gpu=8 for 2x 訓練');
      await says('alice', '/quota request vcs gpu=8 for 10h 訓練新的模型');
      await clicks('bob', '核准');
      clock = NOW + 9 * HOUR;
      await step('(授權排程)', '（結束前一小時的巡檢）', () => sweeper.runOnce());
      await clicks('alice', '申請延長');
      await clicks('bob', '核准');
      clock = NOW + 20 * HOUR;
      await step('(授權排程)', '（延長後結束時的巡檢）', () => sweeper.runOnce());
      await says('bob', '/quota request vcs gpu=8 now 線上服務中斷');
      await says('alice', '/quota request vcs gpu=8 cpu=32 now 線上服務中斷');
      await clicks('bob', '駁回');
      await step('(授權排程)', '（駁回後的巡檢）', () => sweeper.runOnce());
    } finally {
      await sweeper.stop();
    }
    await expect(transcript()).toMatchFileSnapshot('__transcripts__/zh-TW/grants.txt');
  });
});
