import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { postgresUrl, redisUrl } from '../helpers/services.js';

/**
 * A store the replicas of one test share and nobody else touches: a Redis database number that was
 * empty and is claimed with a marker key, or a PostgreSQL database created for the run. (When
 * STORE_PREFIX exists, a prefix on the shared database would do as well; a whole database also
 * isolates the claims table, whatever the prefix covers.)
 */
export interface SharedStore {
  readonly kind: 'redis' | 'postgres';
  readonly url: string;
  drop(): void;
}

function run(cmd: string, args: string[]): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${out.stderr || out.error?.message || `exit ${out.status}`}`);
  return out.stdout.trim();
}

const MARKER = 'chatops-scale-test:owner';

/** Claims an empty Redis database (1–15) with SET NX on a marker, so two runs never share one. */
export function freshRedisDatabase(): SharedStore {
  const token = randomBytes(6).toString('hex');
  const { hostname, port } = new URL(redisUrl());
  const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  for (const db of order) {
    const cli = (...args: string[]) => run('redis-cli', ['-h', hostname, '-p', port, '-n', String(db), ...args]);
    if (cli('SET', MARKER, token, 'NX', 'EX', '900') !== 'OK') continue;
    if (cli('DBSIZE') === '1') {
      return {
        kind: 'redis',
        url: redisUrl(db),
        drop: () => {
          if (cli('GET', MARKER) === token) cli('FLUSHDB');
        },
      };
    }
    cli('DEL', MARKER);
  }
  throw new Error(`no empty Redis database among 1–15 on ${hostname}:${port}`);
}

/** Creates a PostgreSQL database for this run; drop() removes it (with the replicas' connections). */
export function freshPostgresDatabase(): SharedStore {
  const name = `chatops_scale_${randomBytes(5).toString('hex')}`;
  const server = new URL(postgresUrl());
  const psql = (sql: string) => run('psql', ['-h', server.hostname, '-p', server.port, '-U', server.username, '-d', 'test', '-v', 'ON_ERROR_STOP=1', '-qtAc', sql]);
  psql(`CREATE DATABASE ${name}`);
  const user = psql('SELECT current_user');
  return {
    kind: 'postgres',
    url: `postgres://${user}@${server.host}/${name}`,
    drop: () => void psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
