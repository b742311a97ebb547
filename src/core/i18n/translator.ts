import { IntlMessageFormat } from 'intl-messageformat';
import { enMessages } from './en.js';
import { type Locale } from './locale.js';
import { specMessages, type SpecMessageId } from './spec-messages.js';
import { zhTWMessages } from './zh-TW.js';

/** Every message id: the English catalog's keys and the command specs' texts. */
export type MessageId = keyof typeof enMessages | SpecMessageId;
export type Catalog = Record<MessageId, string>;
export type MessageValues = Record<string, string | number>;

/** The catalogs, by locale. zh-TW is typed `Catalog`, so a key missing there does not compile. */
export const catalogs: Record<Locale, Catalog> = {
  en: { ...enMessages, ...specMessages() },
  'zh-TW': zhTWMessages,
};

/** One person's words: messages, dates and times in their locale and the deployment's time zone. */
export interface Translator {
  readonly locale: Locale;
  readonly timeZone: string;
  /** The message `id` with its ICU arguments filled in. */
  t(id: MessageId, values?: MessageValues): string;
  /** A calendar day: `2027-02-27` (en), `2027/02/27` (zh-TW). */
  date(at: string | number): string;
  /** A day and time with the zone: `2026-12-04 08:00 UTC`, `2026/12/04 16:00（Asia/Taipei）`. */
  dateTime(at: string | number): string;
}

/** Text that is worded only once the reader's locale is known (the parser's errors and notes). */
export type Wording = (t: Translator) => string;

const compiled = new Map<string, IntlMessageFormat>();

function formatOf(locale: Locale, id: MessageId): IntlMessageFormat {
  const key = `${locale}\u0000${id}`;
  let f = compiled.get(key);
  if (!f) {
    const source = catalogs[locale][id];
    // A missing message is a bug (the type and the catalog test forbid it): fail loudly.
    if (source === undefined) throw new Error(`no ${locale} message ${id}`);
    // Tags are not parsed: `<member>` in usage text is text.
    f = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
    compiled.set(key, f);
  }
  return f;
}

/**
 * One formatter per time zone, made once: building an Intl.DateTimeFormat costs far more than using
 * one (a 100-key `/apikey list` built 200 and spent most of its time there). It holds no state.
 */
const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(timeZone: string): Intl.DateTimeFormat {
  let fmt = partFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    partFormats.set(timeZone, fmt);
  }
  return fmt;
}

function parts(at: string | number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const d = new Date(at);
  // A date the backend wrote in a form Date cannot read is shown as written, not hidden.
  if (Number.isNaN(d.getTime())) return { year: String(at).slice(0, 10), month: '', day: '', hour: '', minute: '' };
  const out: Record<string, string> = {};
  for (const p of partFormat(timeZone).formatToParts(d)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

const translators = new Map<string, Translator>();

/**
 * The translator for `locale` in `timeZone` (an IANA name, checked by src/config.ts). Dates are written
 * as people in each locale write them: ISO-like `2027-02-27` in English, `2027/02/27` in Taiwan.
 */
export function translator(locale: Locale = 'en', timeZone = 'UTC'): Translator {
  const key = `${locale}\u0000${timeZone}`;
  const known = translators.get(key);
  if (known) return known;
  const sep = locale === 'zh-TW' ? '/' : '-';
  const zone = (tz: string) => (locale === 'zh-TW' ? `（${tz}）` : ` ${tz}`);
  const made: Translator = {
    locale,
    timeZone,
    t: (id, values) => String(formatOf(locale, id).format(values)),
    date: (at) => {
      const p = parts(at, timeZone);
      return p.month ? [p.year, p.month, p.day].join(sep) : p.year;
    },
    dateTime: (at) => {
      const p = parts(at, timeZone);
      return `${[p.year, p.month, p.day].join(sep)} ${p.hour}:${p.minute}${zone(timeZone)}`;
    },
  };
  translators.set(key, made);
  return made;
}

/** Several items as a list in the reader's language: `a, b` / `a、b`. */
export const listOf = (t: Translator, items: readonly string[]): string => items.join(t.t('core.listSeparator'));
