import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';

/**
 * keyv's default record codec (@keyv/serialize), with a fast path. Its serializer is a hand-written
 * recursive walk and its deserializer parses with a reviver called for every value: under load they
 * were a tenth to a quarter of the bot's busy time (BENCHMARKS.md). Both exist for strings that
 * begin with `:` (written escaped as `::…`) and Buffers (`:base64:…`). A record that holds neither
 * reads and writes the same through the native JSON functions, so the library runs only when the
 * text may hold one; records stay byte-for-byte what keyv writes, and old files read as before.
 */

/** A string (a key or a value) that begins with `:`: its opening quote comes after `{`, `[`, `,`, `:` or at the start. */
const MAY_HOLD_COLON_STRING = /(?:^|[{[,:])\s*":/;
/** A Buffer as JSON.stringify writes one (its toJSON). */
const MAY_HOLD_BUFFER = '"type":"Buffer"';

/** Reads what keyv's default serializer wrote, exactly as its default deserializer does. */
export function deserializeKeyvRecord<T>(text: string): T {
  return (MAY_HOLD_COLON_STRING.test(text) ? defaultDeserialize(text) : JSON.parse(text)) as T;
}

/** Writes a record exactly as keyv's default serializer does. */
export function serializeKeyvRecord(data: unknown): string {
  const text = JSON.stringify(data) as string | undefined;
  if (text === undefined || MAY_HOLD_COLON_STRING.test(text) || text.includes(MAY_HOLD_BUFFER)) return defaultSerialize(data);
  return text;
}
