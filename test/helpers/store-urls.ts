import { randomBytes } from 'node:crypto';
import { postgresUrl, redisUrl } from './services.js';

/**
 * The Redis and PostgreSQL servers the store tests run against: this run's own, started by
 * test/setup/services.ts (never whatever listens on 6379 or 5432).
 */
export const REDIS_URL = redisUrl();
export const POSTGRES_URL = postgresUrl();

/** A STORE_PREFIX no other run uses: `name`, random hex, `_`. */
export const uniquePrefix = (name: string): string => `${name}${randomBytes(4).toString('hex')}_`;

/** `url` logged in as `user` with `password` (a Redis ACL user, say). */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}
