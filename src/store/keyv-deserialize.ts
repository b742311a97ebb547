import { Buffer } from 'node:buffer';

/**
 * keyv's default deserializer (@keyv/serialize) parses with a reviver that is called for every value
 * of every record: under load it was a tenth of the bot's busy time (BENCHMARKS.md). It exists for
 * strings that begin with `:` (written escaped as `::…`, and Buffers as `:base64:…`). A record
 * without a string that begins with `:` parses to the same thing without the reviver, so the
 * reviver runs only when the text may hold one.
 */

/** A string (a key or a value) that begins with `:`: its opening quote comes after `{`, `[`, `,`, `:` or at the start. */
const MAY_HOLD_COLON_STRING = /(?:^|[{[,:])\s*":/;

function revive(_key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.startsWith(':base64:')) return Buffer.from(value.slice(8), 'base64');
  return value.startsWith(':') ? value.slice(1) : value;
}

/** Reads what keyv's default serializer wrote, exactly as its default deserializer does. */
export function deserializeKeyvRecord<T>(text: string): T {
  return (MAY_HOLD_COLON_STRING.test(text) ? JSON.parse(text, revive) : JSON.parse(text)) as T;
}
