import type { Locale } from './locale.js';
import { catalogs } from './translator.js';

/** One feature's words in every locale: the same ids in each. */
export type MessageSet = { readonly [L in Locale]: Readonly<Record<string, string>> };

/**
 * A feature's catalog: English, and zh-TW with every English id and every id of its specs' texts
 * (`SpecIds`, from `SpecTextIds<typeof spec>`): a missing one does not compile. Called as
 * `defineMessages<SpecIds>()(en, zhTW)`, so that the English ids are inferred.
 */
export const defineMessages =
  <SpecIds extends string = never>() =>
  <const En extends Record<string, string>>(en: En, zhTW: Record<keyof En | SpecIds, string>): { en: En; 'zh-TW': Record<keyof En | SpecIds, string> } => ({
    en,
    'zh-TW': zhTW,
  });

/**
 * Adds words to the catalogs every translator reads. The same id with the same text is a no-op (two
 * cores of one process register the same features); the same id with another text is a bug.
 */
export function addMessages(set: MessageSet): void {
  for (const locale of Object.keys(set) as Locale[]) {
    const into = catalogs[locale] as Record<string, string>;
    for (const [id, text] of Object.entries(set[locale])) {
      if (id in into && into[id] !== text) throw new Error(`message ${id} (${locale}) is defined twice, with different texts`);
      into[id] = text;
    }
  }
}
