import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built } from './helpers/built.js';

/**
 * The README's tour is typed, line by line, into the real shell on a terminal (a pseudo-terminal
 * from util-linux `script`), and what the terminal shows must be the README's block: the prompts,
 * the echoed input and every reply. Random ids, secrets and dates are normalized on both sides; the
 * ids the README shows are replaced by the ones the bot printed, as a reader would.
 *
 * After a deliberate change of wording, `UPDATE_README_TOUR=1 npx vitest run test/readme-tour.test.ts`
 * writes the real transcript into README.md; read the diff before committing it.
 */

const README = 'README.md';
const readme = readFileSync(README, 'utf8');
const TOUR_START = readme.indexOf('```text\n', readme.indexOf('## A short tour')) + '```text\n'.length;
const TOUR_END = readme.indexOf('```', TOUR_START);
const tour = readme.slice(TOUR_START, TOUR_END);

const PROMPT = /^([A-Za-z0-9][A-Za-z0-9._-]*)> (.*)$/;

/** Things that differ on every run, each with the placeholder it becomes. */
const RANDOM: [RegExp, string][] = [
  [/twcc_[A-Za-z0-9_-]{32}/g, 'twcc_<secret>'],
  [/twcc_[A-Za-z0-9_-]{4}…/g, 'twcc_<masked>…'],
  [/\d{4}-\d{2}-\d{2}/g, '<date>'],
  [/\b\d{2}:\d{2}\b/g, '<time>'],
];
/** Ids: numbered by first appearance, so that the same id must come back where it did. */
const IDS: RegExp[] = [/\bk-[0-9a-f]{6}\b/g, /(?<=`)[A-Za-z0-9_-]{12}(?=`)/g];

const idsIn = (text: string, pattern: RegExp) => [...new Set(text.match(pattern) ?? [])];

function normalize(text: string): string {
  let out = text;
  for (const pattern of IDS) idsIn(out, pattern).forEach((id, n) => (out = out.replaceAll(id, `<id${IDS.indexOf(pattern)}.${n + 1}>`)));
  for (const [pattern, placeholder] of RANDOM) out = out.replace(pattern, placeholder);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'chatops-tour-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `npm start` on a fresh store at a terminal; each README input line is typed once the shell shows
 * its prompt, with the README's ids swapped for the ones this run printed. Answers the screen.
 */
function typeTheTour(inputs: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, STORE_URL: `sqlite://${join(dir, 'tour.sqlite')}`, TERM: 'dumb' };
  for (const k of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'BACKEND', 'ADMINS', 'LOG_FILE']) delete env[k];
  // `npm start` is `node dist/src/main.js`: run that (no npm banner on the screen, no compiling on a busy machine).
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', `${process.execPath} ${built('src/main.js')}`, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let screen = '';
    let typed = 0;
    let lastPromptAt = -1;
    // Silence for 20 s means it stopped answering; a slow but answering shell is given its time.
    const stalled = () =>
      setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the shell stopped answering after ${JSON.stringify(inputs[typed - 1])}; the screen so far:\n${screen}`));
      }, 20_000);
    let deadline = stalled();
    child.stdout.on('data', (d: Buffer) => {
      clearTimeout(deadline);
      deadline = stalled();
      screen += d.toString('utf8').replaceAll('\r\n', '\n');
      const prompt = /(?:^|\n)[A-Za-z0-9][A-Za-z0-9._-]*> $/.exec(screen);
      if (!prompt || prompt.index === lastPromptAt) return;
      lastPromptAt = prompt.index;
      if (typed === inputs.length) return;
      let line = inputs[typed++]!;
      // "Use the id you were given": the README's n-th id is this run's n-th id.
      for (const pattern of IDS) {
        const real = idsIn(screen, pattern);
        idsIn(tour, pattern).forEach((id, n) => real[n] && (line = line.replaceAll(id, real[n])));
      }
      child.stdin.write(`${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      if (code !== 0) reject(new Error(`npm start ended with ${code}; the screen:\n${screen}`));
      else resolve(screen);
    });
  });
}

describe('the README tour', () => {
  // A whole session typed line by line: a busy machine may take longer than the default 30 s.
  it('is what the shell prints when the tour is typed into it, ids and dates aside', { timeout: 120_000 }, async () => {
    const inputs = tour.split('\n').flatMap((l) => PROMPT.exec(l)?.[2] ?? []);
    expect(inputs.at(-1), 'the tour ends by leaving the shell').toBe('exit');
    const screen = await typeTheTour(inputs);

    if (process.env.UPDATE_README_TOUR === '1') writeFileSync(README, readme.slice(0, TOUR_START) + screen + readme.slice(TOUR_END));
    expect(normalize(screen)).toBe(normalize(tour));
  });

  it('tells the reader to use the id the bot gave them', () => {
    expect(readme.slice(readme.indexOf('## A short tour'), TOUR_START)).toMatch(/use the id you were given/i);
  });
});
