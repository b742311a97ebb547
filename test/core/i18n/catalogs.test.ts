import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../../src/core/i18n/translator.js';
import { commandSpecs } from '../../../src/features/index.js';

/**
 * The names of every ICU argument a message uses, read from the parsed message. Only names: Chinese has
 * no plural forms, so `{n, plural, …}` in English may rightly be a plain `{n}` in zh-TW.
 */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    switch (e.type) {
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        into.add(e.value);
        break;
      case TYPE.plural:
      case TYPE.select:
        into.add(e.value);
        for (const option of Object.values(e.options)) argumentsOf(option.value, into);
        break;
      case TYPE.tag:
        argumentsOf(e.children, into);
        break;
      default:
        break;
    }
  }
  return into;
}

/** The options a `select` offers: both catalogs must handle the same values. */
function selectOptionsOf(elements: MessageFormatElement[], into: string[] = []): string[] {
  for (const e of elements) {
    if (e.type === TYPE.select) into.push(`${e.value}:${Object.keys(e.options).sort().join('|')}`);
    if (e.type === TYPE.select || e.type === TYPE.plural) for (const o of Object.values(e.options)) selectOptionsOf(o.value, into);
  }
  return into;
}

const parsed = (source: string) => parse(source, { ignoreTag: true });
// The features' words join the catalogs when they are registered, as a core registers them.
commandSpecs();
const en = catalogs.en;
const zh = catalogs['zh-TW'];

describe('the message catalogs', () => {
  it('have the same keys in en and zh-TW', () => {
    const missingInZh = Object.keys(en).filter((k) => !(k in zh));
    const missingInEn = Object.keys(zh).filter((k) => !(k in en));
    expect({ missingInZh, missingInEn }).toEqual({ missingInZh: [], missingInEn: [] });
  });

  it('use the same ICU arguments in both languages, key by key', () => {
    const differing = Object.keys(en).flatMap((key) => {
      const a = [...argumentsOf(parsed(en[key]!))].sort();
      const b = [...argumentsOf(parsed(zh[key]!))].sort();
      return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ key, en: a, zh: b }];
    });
    expect(differing).toEqual([]);
  });

  it('offer the same select choices in both languages', () => {
    const differing = Object.keys(en).flatMap((key) => {
      const a = selectOptionsOf(parsed(en[key]!));
      const b = selectOptionsOf(parsed(zh[key]!));
      return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ key, en: a, zh: b }];
    });
    expect(differing).toEqual([]);
  });

  it('would catch a placeholder that differs (the check reads arguments, not text)', () => {
    expect([...argumentsOf(parsed('刪除 {count} 把金鑰'))]).not.toEqual([...argumentsOf(parsed('Delete {n, plural, one {# key} other {# keys}}'))]);
    expect([...argumentsOf(parsed('{n} 把金鑰：{names}'))]).not.toEqual([...argumentsOf(parsed('{n, plural, other {# keys}}: {name}'))]);
    expect([...argumentsOf(parsed('{n} 把'))]).toEqual([...argumentsOf(parsed('{n, plural, one {# key} other {# keys}}'))]);
  });

  it('write Chinese with full-width punctuation: no ASCII comma, colon, semicolon, question mark or stop right after a Chinese character', () => {
    const cjk = '[\\u3400-\\u9fff]';
    const halfWidth = new RegExp(`${cjk}[,:;?!]|${cjk}\\.(?:\\s|$)|${cjk}\\(`);
    const offenders = Object.entries(zh).filter(([, text]) => halfWidth.test(text));
    expect(offenders).toEqual([]);
  });
});
