import fc from 'fast-check';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { deserializeKeyvRecord } from '../../src/store/keyv-deserialize.js';

// keyv's own default serializer and deserializer, as every store wrote and read records before.
const { serialize, deserialize } = new Keyv();

/** Strings that begin with `:` (escaped on write) and `:base64:`-like text are the cases the reviver exists for. */
const tricky = fc.oneof(fc.string(), fc.constantFrom(':', '::', ':x', ':base64:', ':base64:aGk=', 'a:b', '",":', '\\":'), fc.string().map((s) => `:${s}`));
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('any'), { maxKeys: 4 }),
  ),
})).any;

describe('reading keyv records without the reviver', () => {
  it('reads every record keyv writes exactly as keyv’s default deserializer does', async () => {
    await fc.assert(
      fc.asyncProperty(value, fc.option(fc.integer({ min: 0 }), { nil: undefined }), async (v, expires) => {
        const text = await serialize!({ value: v, expires });
        expect(deserializeKeyvRecord(text)).toEqual(await deserialize!(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('turns an escaped string and a Buffer back into what was stored', async () => {
    const text = await serialize!({ value: { note: ':colon first', raw: Buffer.from('hi') } });
    expect(text).toContain('"::colon first"');
    expect(deserializeKeyvRecord(text)).toEqual({ value: { note: ':colon first', raw: Buffer.from('hi') } });
  });
});
