import { randomBytes } from 'node:crypto';

/**
 * The Redis and PostgreSQL servers the store tests run against: one place that says where they are
 * (TEST_REDIS_URL, TEST_POSTGRES_URL; the machine's own on the default ports otherwise).
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A STORE_PREFIX no other run uses: `name`, random hex, `_`. */
export const uniquePrefix = (name: string): string => `${name}${randomBytes(4).toString('hex')}_`;

/** `url` logged in as `user` with `password` (a Redis ACL user, say). */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}
