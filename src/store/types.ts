import type Keyv from 'keyv';

/** Kinds of record, each in its own keyv namespace. */
export const NAMESPACES = ['links', 'members', 'keys', 'quotas', 'pending', 'approvals', 'audit', 'credentials', 'meta'] as const;
export type Namespace = (typeof NAMESPACES)[number];

export interface Store {
  /** A keyv for one kind of record; errors surface (throwOnErrors), nothing is lost silently. */
  ns<T = unknown>(name: Namespace): Keyv<T>;
  /** Every value of a namespace (small collections: links, members, keys, audit). */
  values<T = unknown>(name: Namespace): Promise<T[]>;
  /**
   * Claims `key` for `ttlMs` milliseconds; true for exactly one caller, across processes and
   * replicas: atomic in the store itself (SQLite upsert, Redis SET NX PX, PostgreSQL ON CONFLICT).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  readonly kind: 'sqlite' | 'redis' | 'postgres';
  close(): Promise<void>;
}
