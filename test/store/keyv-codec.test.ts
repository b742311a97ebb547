import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeKeyvRecord, serializeKeyvRecord } from '../../src/store/keyv-codec.js';

/** Strings that begin with `:` (escaped on write) and `:base64:`-like text are the cases the library's codec exists for. */
const tricky = fc.oneof(fc.string(), fc.constantFrom(':', '::', ':x', ':base64:', ':base64:aGk=', 'a:b', '",":', '\\":', 'Buffer'), fc.string().map((s) => `:${s}`));
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('any'), { maxKeys: 4 }),
  ),
})).any;
const record = fc.record({ value, expires: fc.option(fc.integer({ min: 0 }), { nil: undefined }) });

describe('keyv records through the fast path', () => {
  it('writes every record byte for byte as keyv’s default serializer does', () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(serializeKeyvRecord(r)).toBe(defaultSerialize(r));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads every record keyv writes exactly as keyv’s default deserializer does', () => {
    fc.assert(
      fc.property(record, (r) => {
        const text = defaultSerialize(r);
        expect(deserializeKeyvRecord(text)).toEqual(defaultDeserialize(text));
      }),
      { numRuns: 3_000 },
    );
  });

  it('turns an escaped string and a Buffer back into what was stored', () => {
    const text = serializeKeyvRecord({ value: { note: ':colon first', raw: Buffer.from('hi') } });
    expect(text).toContain('"::colon first"');
    expect(deserializeKeyvRecord(text)).toEqual({ value: { note: ':colon first', raw: Buffer.from('hi') } });
  });
});
