import { inject } from 'vitest';
import type { ServiceAt } from '../setup/services.js';

/** A service test/setup/services.ts started for this run, or a one-line failure naming what to install. */
function at(service: ServiceAt): string {
  if ('missing' in service) throw new Error(service.missing);
  return service.url;
}

/** This run's own redis-server: `redis://127.0.0.1:<port>` (database 0, or `db`). */
export const redisUrl = (db?: number): string => `${at(inject('services').redis)}${db === undefined ? '' : `/${db}`}`;

/** This run's own PostgreSQL, database `test` as user `postgres`: `postgres://postgres@127.0.0.1:<port>/test`. */
export const postgresUrl = (): string => at(inject('services').postgres);

/** The nginx binary the scale tests run. */
export const nginxPath = (): string => at(inject('services').nginx);
