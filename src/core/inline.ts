/**
 * The reply model's inline marks, neutral to every platform: `**bold**`, `` `code` `` and
 * `[label](https://url)`. The core writes them; each renderer maps them to its platform (Slack
 * `*bold*` and `<url|label>`, Discord as written, the terminal plain words). Mentions are written as
 * plain `@name` on every platform (no one is pinged), so they need no mark.
 */
export type InlineSpan =
  | { kind: 'plain'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; url: string };

const MARK = /`([^`\n]*)`|\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;

/** Splits text into its marked spans; everything unmarked is `plain`. */
export function inlineSpans(text: string): InlineSpan[] {
  const spans: InlineSpan[] = [];
  let last = 0;
  for (const m of text.matchAll(MARK)) {
    if (m.index > last) spans.push({ kind: 'plain', text: text.slice(last, m.index) });
    if (m[1] !== undefined) spans.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined) spans.push({ kind: 'bold', text: m[2] });
    else spans.push({ kind: 'link', text: m[3]!, url: m[4]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) spans.push({ kind: 'plain', text: text.slice(last) });
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
