/**
 * The reply model's inline marks, neutral to every platform: `**bold**`, `` `code` `` and
 * `[label](https://url)`. The core writes them; each renderer maps them to its platform (Slack
 * `*bold*` and `<url|label>`, Discord as written, the terminal plain words). Mentions are written as
 * plain `@name` on every platform (no one is pinged), so they need no mark.
 *
 * Text that came from people or platforms (reasons, names, key names, display names, a backend's
 * words) is a `user` span: never read as marks, and escaped by each renderer for its platform, so that
 * `[Approve here](https://evil.example)` in a reason is shown as typed, not as a link. It travels
 * inside message text between two private-use characters (`userText`), which the translator adds to
 * every ICU value named as user text (src/core/i18n/user-values.ts).
 */
export type InlineSpan =
  | { kind: 'plain'; text: string }
  | { kind: 'user'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; url: string };

const USER_OPEN = '\uE000';
const USER_CLOSE = '\uE001';
const DELIMITERS = /[\uE000\uE001]/g;

/** `s` as user text: shown as typed on every platform. Delimiters typed into `s` are dropped, so it cannot end early. */
export const userText = (s: string): string => `${USER_OPEN}${s.replace(DELIMITERS, '')}${USER_CLOSE}`;

/** Text with user text's delimiters removed: what a log line or a plain-text reader shows. */
export const withoutDelimiters = (text: string): string => text.replace(DELIMITERS, '');

/** A piece of user text inside a code mark: `` `{member}` `` shows the name in code. */
const USER_PIECE = '\\uE000[^\\uE000\\uE001\\n]*\\uE001';
const MARK = new RegExp(
  [
    `\\uE000([^\\uE000\\uE001]*)\\uE001`,
    `\`((?:[^\`\\n\\uE000\\uE001]|${USER_PIECE})*)\``,
    `\\*\\*([^*\\n\\uE000\\uE001]+)\\*\\*`,
    `\\[([^\\]\\n\\uE000\\uE001]+)\\]\\((https?:\\/\\/[^)\\s\\uE000\\uE001]+)\\)`,
  ].join('|'),
  'g',
);

/**
 * A code mark's text: user pieces in it are text, but a backtick typed in one would end the code early
 * on every platform, so it is shown as the look-alike `ˋ`.
 */
const codeText = (marked: string): string => marked.replace(/\uE000([^\uE000\uE001]*)\uE001/g, (_, typed: string) => typed.replace(/`/g, 'ˋ'));

/** Splits text into its marked spans; everything unmarked is `plain`. */
export function inlineSpans(text: string): InlineSpan[] {
  const spans: InlineSpan[] = [];
  let last = 0;
  for (const m of text.matchAll(MARK)) {
    if (m.index > last) spans.push({ kind: 'plain', text: withoutDelimiters(text.slice(last, m.index)) });
    if (m[1] !== undefined) spans.push({ kind: 'user', text: m[1] });
    else if (m[2] !== undefined) spans.push({ kind: 'code', text: codeText(m[2]) });
    else if (m[3] !== undefined) spans.push({ kind: 'bold', text: m[3] });
    else spans.push({ kind: 'link', text: m[4]!, url: m[5]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) spans.push({ kind: 'plain', text: withoutDelimiters(text.slice(last)) });
  return spans;
}

export type InlineRenderer = { [K in InlineSpan['kind']]: (span: Extract<InlineSpan, { kind: K }>) => string };

/** Text with every mark rewritten by `render`, one function per kind of span. */
export function renderInline(text: string, render: InlineRenderer): string {
  return inlineSpans(text)
    .map((s) => {
      switch (s.kind) {
        case 'plain':
          return render.plain(s);
        case 'user':
          return render.user(s);
        case 'bold':
          return render.bold(s);
        case 'code':
          return render.code(s);
        case 'link':
          return render.link(s);
      }
    })
    .join('');
}
