import { z } from 'zod';
import type { Translator } from './i18n/translator.js';

const UNIT_MB: Record<string, number> = { M: 1, MB: 1, MIB: 1, G: 1024, GB: 1024, GIB: 1024, T: 1024 * 1024, TB: 1024 * 1024, TIB: 1024 * 1024 };

/** Memory with a unit (`64G`, `65536M`) → MB, the unit TWCC counts in. A bare number is an error. Issue messages are catalog ids. */
export const MemoryAmount = z.string().transform((raw, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(raw.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'parse.memory.notAmount', params: { raw } });
    return z.NEVER;
  }
  const unit = m[2]!.toUpperCase();
  if (unit === '') {
    ctx.addIssue({ code: 'custom', message: 'parse.memory.noUnit', params: { n: m[1] } });
    return z.NEVER;
  }
  const factor = UNIT_MB[unit];
  if (!factor) {
    ctx.addIssue({ code: 'custom', message: 'parse.memory.unknownUnit', params: { unit: m[2] } });
    return z.NEVER;
  }
  const mb = Number(m[1]) * factor;
  if (!Number.isInteger(mb) || mb > 1024 ** 3) {
    ctx.addIssue({ code: 'custom', message: 'parse.memory.tooLarge', params: { raw } });
    return z.NEVER;
  }
  return mb;
});

/** 65536 → "64G", 1536 → "1536M"; -1 → "unlimited". */
export function formatMemory(mb: number, t?: Translator): string {
  if (mb < 0) return t ? t.t('value.unlimited') : 'unlimited';
  if (mb >= 1024 && mb % 1024 === 0) return `${mb / 1024}G`;
  return `${Math.round(mb)}M`;
}

export const formatCount = (n: number, t?: Translator): string => (n < 0 ? (t ? t.t('value.unlimited') : 'unlimited') : String(Math.round(n * 100) / 100));
