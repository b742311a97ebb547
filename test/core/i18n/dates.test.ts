import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { translator } from '../../../src/core/i18n/translator.js';
import { formatTable } from '../../../src/core/reply.js';

/**
 * Dates are worded from each zone's offset, read through Intl once per zone and UTC hour
 * (translator.ts): they must read exactly as Intl itself reads every instant, clock changes included.
 */
const ZONES = [
  'UTC',
  'Asia/Taipei',
  'America/New_York', // DST at 02:00 local
  'Europe/London',
  'Australia/Lord_Howe', // a 30-minute DST shift
  'Asia/Kolkata', // +05:30
  'Asia/Kathmandu', // +05:45
  'Pacific/Chatham', // +12:45 / +13:45
  'Europe/Amsterdam', // +00:19:32 until 1937: an offset with seconds
] as const;

function intlReading(ms: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${timeZone}`;
}

describe('dates in the reader’s time zone', () => {
  it('reads every instant as Intl does, in zones with clock changes, odd offsets and offsets with seconds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1901, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
        expect(translator('en', zone).dateTime(ms)).toBe(intlReading(ms, zone));
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads the minutes around a clock change as Intl does: New York in March and November, Lord Howe in April and October (half past a UTC hour)', () => {
    const around = [Date.UTC(2027, 2, 14, 7), Date.UTC(2027, 10, 7, 6), Date.UTC(2027, 3, 3, 15), Date.UTC(2027, 9, 2, 15, 30)];
    for (const start of around) {
      for (let ms = start - 90 * 60_000; ms <= start + 90 * 60_000; ms += 60_000 - 1) {
        for (const zone of ['America/New_York', 'Australia/Lord_Howe']) expect(translator('en', zone).dateTime(ms)).toBe(intlReading(ms, zone));
      }
    }
  });

  it('writes a day as people in each locale write it, and an unreadable date as written', () => {
    expect(translator('en', 'Asia/Taipei').date('2027-02-26T20:00:00Z')).toBe('2027-02-27');
    expect(translator('zh-TW', 'Asia/Taipei').date('2027-02-26T20:00:00Z')).toBe('2027/02/27');
    expect(translator('zh-TW', 'Asia/Taipei').dateTime('2026-12-04T00:00:00Z')).toBe('2026/12/04 08:00（Asia/Taipei）');
    expect(translator('en', 'UTC').date('not a date')).toBe('not a date');
  });
});

describe('a monospace table', () => {
  it('gives Chinese characters two columns, and an emoji (two UTF-16 units) one', () => {
    expect(formatTable(['金鑰', 'id'], [['sk-…ab', 'k-1'], ['😀', '金']]).split('\n')).toEqual(['金鑰    id', '------  ---', 'sk-…ab  k-1', '😀       金']);
  });
});
