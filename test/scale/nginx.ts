import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nginxPath } from '../helpers/services.js';

/** The operator's configuration, as shipped: the tests render this very file. */
export const DEPLOY_NGINX_CONF = resolve('deploy/nginx.conf');

/** nginx from Debian's packages, as test/setup/services.ts found it; a machine without it fails here, by name. */
export const nginxBinary = nginxPath;

/** Replaces exactly one match of `pattern`, so that a changed deploy/nginx.conf breaks the render loudly. */
function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`deploy/nginx.conf: expected one ${what}, found ${matches.length}`);
  return text.replace(pattern, replacement);
}

/**
 * deploy/nginx.conf for a loopback test: the lines marked "rendered:" (listen address, the replica
 * list, pid and log paths) are swapped, temp paths go inside `dir`; every proxy directive stays.
 */
export function renderNginxConf(template: string, opts: { dir: string; port: number; replicaPorts: number[]; showReplica?: boolean }): string {
  const { dir, port, replicaPorts } = opts;
  let conf = template;
  conf = replaceOnce(conf, /^pid .*$/m, `pid ${join(dir, 'nginx.pid')};`, 'pid line');
  conf = replaceOnce(conf, /^error_log .*$/m, `error_log ${join(dir, 'error.log')} warn;`, 'error_log line');
  conf = replaceOnce(conf, /^(\s*)access_log .*$/m, `$1access_log ${join(dir, 'access.log')} chatops;`, 'access_log line');
  const servers = replicaPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n');
  conf = replaceOnce(conf, /^(\s*# replicas: begin.*\n)[\s\S]*?(^\s*# replicas: end)/m, `$1${servers}\n$2`, 'replica list');
  conf = replaceOnce(conf, /^(\s*)listen 80;.*$/m, `$1listen 127.0.0.1:${port};`, 'listen line');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`).join('\n');
  conf = replaceOnce(conf, /^http \{$/m, `http {\n${temps}`, 'http block');
  // Test only: which replica answered, so a test can tell whose acknowledgement it got.
  if (opts.showReplica) conf = replaceOnce(conf, /^(\s*)location \/ \{$/m, `$1location / {\n$1  add_header X-Replica $upstream_addr always;`, 'location block');
  return conf;
}

export interface Nginx {
  readonly url: string;
  readonly dir: string;
  /** Access log lines so far: `… METHOD URI STATUS upstream=ADDR upstream_status=…`. */
  accessLog(): string[];
  /** nginx's error log so far (why it answered 502, say). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Asks nginx itself whether a configuration is valid (`nginx -t`); returns its verdict. */
export function nginxTest(confPath: string, dir: string): { ok: boolean; output: string } {
  const run = spawnSync(nginxBinary(), ['-t', '-c', confPath, '-p', dir, '-g', 'daemon off;'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** nginx as a child process (no daemon), on 127.0.0.1:`port`, round-robin over `replicaPorts`. */
export async function startNginx(port: number, replicaPorts: number[]): Promise<Nginx> {
  const binary = nginxBinary();
  const dir = mkdtempSync(join(tmpdir(), 'chatops-nginx-'));
  // Workers run as nobody: they must reach the temp paths inside the folder.
  chmodSync(dir, 0o755);
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, renderNginxConf(readFileSync(DEPLOY_NGINX_CONF, 'utf8'), { dir, port, replicaPorts, showReplica: true }));
  const checked = nginxTest(confPath, dir);
  if (!checked.ok) throw new Error(`nginx refused the rendered deploy/nginx.conf:\n${checked.output}`);
  const child: ChildProcess = spawn(binary, ['-c', confPath, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  // Listening within 5 s, or the test fails naming what nginx said.
  const deadline = Date.now() + 5_000;
  for (;;) {
    const answered = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${url} within 5 s:\n${stderr}${safeRead(join(dir, 'error.log'))}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dir,
    accessLog: () => safeRead(join(dir, 'access.log')).split('\n').filter(Boolean),
    errorLog: () => safeRead(join(dir, 'error.log')),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(late);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
