import { IntlMessageFormat, type Formatters } from 'intl-messageformat';
import { BoundedMap } from '../../bounded-map.js';
import { enMessages } from './en.js';
import { type Locale } from './locale.js';
import { markUserValues } from './user-values.js';
import { zhTWMessages } from './zh-TW.js';

/** The kernel's message ids (src/core/i18n/en.ts); features add theirs (src/features/<name>/messages.ts). */
export type MessageId = keyof typeof enMessages;
/** A command spec's text: `spec.apikey.list.summary` (src/core/i18n/spec-texts.ts). */
export type SpecTextId = `spec.${string}`;
/** The kernel's zh-TW catalog is typed so, so that a key missing there does not compile. */
export type Catalog = Record<MessageId, string>;
export type MessageValues = Record<string, string | number>;

/**
 * The catalogs, by locale: the kernel's, and every registered feature's (src/core/i18n/messages.ts,
 * `addMessages`, which the core calls for each feature it is given). Read-only outside that module.
 */
export const catalogs: Record<Locale, Readonly<Record<string, string>>> = {
  en: { ...enMessages },
  'zh-TW': { ...zhTWMessages },
};

/**
 * One person's words: messages, dates and times in their locale and the deployment's time zone. `Id`
 * are the ids a feature adds to the kernel's (`Translator<keyof typeof messages.en>`): what a piece of
 * code may say is checked by the compiler.
 */
export interface Translator<Id extends string = never> {
  readonly locale: Locale;
  readonly timeZone: string;
  /** The message `id` with its ICU arguments filled in; those that carry people's text as user text (./user-values.ts). */
  t(id: Id | MessageId | SpecTextId, values?: MessageValues): string;
  /** A calendar day: `2027-02-27` (en), `2027/02/27` (zh-TW). */
  date(at: string | number): string;
  /** A day and time with the zone: `2026-12-04 08:00 UTC`, `2026/12/04 16:00（Asia/Taipei）`. */
  dateTime(at: string | number): string;
}

/** Text that is worded only once the reader's locale is known (the parser's errors and notes). */
export type Wording = (t: Translator) => string;

const compiled = new Map<string, IntlMessageFormat>();

/**
 * The Intl objects every message shares, by a short key. intl-messageformat's own memo keys each
 * look-up with JSON.stringify of its arguments: a plural per table row (`in {days, plural, …}`) paid
 * that on every row.
 */
const intlObjects = new Map<string, Intl.NumberFormat | Intl.PluralRules | Intl.DateTimeFormat>();
function shared<T extends Intl.NumberFormat | Intl.PluralRules | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let made = intlObjects.get(key) as T | undefined;
  if (!made) intlObjects.set(key, (made = make()));
  return made;
}
const keyOf = (kind: string, locales: unknown, opts: object | undefined): string =>
  `${kind}\u0000${String(locales)}\u0000${opts === undefined ? '' : JSON.stringify(opts)}`;
const formatters: Formatters = {
  getNumberFormat: (locales, opts) => shared(keyOf('n', locales, opts), () => new Intl.NumberFormat(locales, opts as Intl.NumberFormatOptions | undefined)),
  getDateTimeFormat: (locales, opts) => shared(keyOf('d', locales, opts), () => new Intl.DateTimeFormat(locales, opts)),
  // Plural rules are asked with `{ type }` only: that one field is the key.
  getPluralRules: (locales, opts) =>
    shared(`p\u0000${String(locales)}\u0000${opts && Object.keys(opts).length === 1 && 'type' in opts ? String(opts.type) : JSON.stringify(opts)}`, () => new Intl.PluralRules(locales, opts)),
};

function formatOf(locale: Locale, id: string): IntlMessageFormat {
  const key = `${locale}\u0000${id}`;
  let f = compiled.get(key);
  if (!f) {
    const source = catalogs[locale][id];
    // A missing message is a bug (the type and the catalog test forbid it): fail loudly.
    if (source === undefined) throw new Error(`no ${locale} message ${id}`);
    // Tags are not parsed: `<member>` in usage text is text.
    f = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true, formatters });
    compiled.set(key, f);
  }
  return f;
}

type Parts = Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;

/**
 * One formatter per time zone, made once: building an Intl.DateTimeFormat costs far more than using
 * one (a 100-key `/apikey list` built 200 and spent most of its time there). It holds no state.
 */
const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(timeZone: string): Intl.DateTimeFormat {
  let fmt = partFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partFormats.set(timeZone, fmt);
  }
  return fmt;
}

function zoneParts(d: Date, timeZone: string): Parts & { second: string } {
  const out: Record<string, string> = {};
  for (const p of partFormat(timeZone).formatToParts(d)) out[p.type] = p.value;
  return out as Parts & { second: string };
}

const HOUR_MS = 60 * 60 * 1000;
/** The zone's offset from UTC at `ms` (whole seconds), from its wall clock there. */
function offsetAt(ms: number, timeZone: string): number {
  const p = zoneParts(new Date(ms), timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * Per zone and UTC hour: the zone's offset through that whole hour, or null when it differs at the
 * hour's two ends (a clock change inside it: each instant then asks Intl). formatToParts costs ~10 µs
 * with a time zone; a 100-key list writes 200 dates, and dates of one hour then cost it twice, not
 * once each. Bounded: the oldest hour goes first.
 */
const hourOffsets = new BoundedMap<string, number | null>(10_000);

function offsetInHour(ms: number, timeZone: string): number | null {
  const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
  const key = `${timeZone}\u0000${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const first = offsetAt(hour, timeZone);
    offset = first === offsetAt(hour + HOUR_MS - 1000, timeZone) ? first : null;
    hourOffsets.set(key, offset);
  }
  return offset;
}

const two = (n: number): string => String(n).padStart(2, '0');

function parts(at: string | number, timeZone: string): Parts {
  const d = new Date(at);
  // A date the backend wrote in a form Date cannot read is shown as written, not hidden.
  if (Number.isNaN(d.getTime())) return { year: String(at).slice(0, 10), month: '', day: '', hour: '', minute: '' };
  // Years Date.UTC reads as they are, and Intl writes unpadded; anything else is Intl's to say.
  const year = d.getUTCFullYear();
  const offset = year > 1900 && year < 9999 ? offsetInHour(d.getTime(), timeZone) : null;
  if (offset === null) return zoneParts(d, timeZone);
  // The wall clock in the zone, read as if it were UTC.
  const local = new Date(d.getTime() + offset);
  const [month, day, hour, minute] = [local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()].map(two);
  return { year: String(local.getUTCFullYear()), month: month!, day: day!, hour: hour!, minute: minute! };
}

const translators = new Map<string, Translator<string>>();

/**
 * The translator for `locale` in `timeZone` (an IANA name, checked by src/config.ts). Dates are written
 * as people in each locale write them: ISO-like `2027-02-27` in English, `2027/02/27` in Taiwan.
 */
export function translator(locale: Locale = 'en', timeZone = 'UTC'): Translator<string> {
  const key = `${locale}\u0000${timeZone}`;
  const known = translators.get(key);
  if (known) return known;
  const sep = locale === 'zh-TW' ? '/' : '-';
  const zone = (tz: string) => (locale === 'zh-TW' ? `（${tz}）` : ` ${tz}`);
  const made: Translator<string> = {
    locale,
    timeZone,
    t: (id, values) => String(formatOf(locale, id).format(values && markUserValues(values))),
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
export const listOf = (t: Translator<string>, items: readonly string[]): string => items.join(t.t('core.listSeparator'));
