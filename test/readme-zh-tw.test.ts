import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/** The README's zh-TW example is what the bot says: each of its lines is in the checked-in zh-TW transcript. */
it('the README’s zh-TW replies are the ones the bot gives (test/core/__transcripts__/zh-TW/quota.txt)', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Languages: English and 繁體中文'));
  const start = section.indexOf('```text\n') + '```text\n'.length;
  const example = section.slice(start, section.indexOf('```', start)).trimEnd().split('\n');
  const transcript = readFileSync('test/core/__transcripts__/zh-TW/quota.txt', 'utf8').split('\n');
  // The transcript numbers its request ids; the README shows one as a reader would see it.
  const asTranscript = (line: string) => line.replaceAll('Fq3kZ8mWp2Xa', '<request1>');
  expect(example.length).toBeGreaterThan(5);
  expect(example.map(asTranscript).filter((line) => !transcript.includes(line))).toEqual([]);
});
