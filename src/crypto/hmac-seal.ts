import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A value the bot hands a platform and gets back unchanged (a button's context, a dialog's state), sealed
 * with an HMAC so that what comes back is what the bot made: `base64url(json).base64url(mac)`. The key is
 * derived from a secret every replica has, per `purpose`, so a value sealed for one use never opens for
 * another. Integrity only: the JSON is readable by whoever holds the sealed text, so it carries no secret.
 */
export interface HmacSealer {
  seal(value: unknown): string;
  /** The JSON sealed by this sealer, or why not (`not sealed`, `bad seal`, `not JSON`). */
  open(sealed: string): { ok: true; value: unknown } | { ok: false; reason: 'not sealed' | 'bad seal' | 'not JSON' };
}

export function hmacSealer(secret: string, purpose: string): HmacSealer {
  const key = createHmac('sha256', secret).update(`twcc-chatops ${purpose}`).digest();
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    seal(value) {
      const body = Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    open(sealed) {
      const [body, tag, extra] = sealed.split('.');
      if (!body || !tag || extra !== undefined) return { ok: false, reason: 'not sealed' };
      const expected = Buffer.from(mac(body));
      const given = Buffer.from(tag);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad seal' };
      try {
        return { ok: true, value: JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown };
      } catch {
        return { ok: false, reason: 'not JSON' };
      }
    },
  };
}
