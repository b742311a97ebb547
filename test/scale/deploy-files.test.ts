import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { cleanUpBots, closedPort } from '../startup/bot-process.js';
import { DEPLOY_NGINX_CONF, nginxTest, renderNginxConf } from './nginx.js';

// js-yaml is in the lockfile (through ESLint); no container runtime here, so YAML is read, not run.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

const temps: string[] = [];
let fake: FakeSlack | undefined;
afterEach(async () => {
  await cleanUpBots();
  await fake?.stop();
  fake = undefined;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `chatops-${name}-`));
  temps.push(dir);
  return dir;
};

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  environment?: Record<string, string>;
  env_file?: string | (string | { path: string; required?: boolean })[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
}
const compose = () => yaml.load(readFileSync('deploy/compose.yaml', 'utf8')) as { services: Record<string, ComposeService> };

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function dockerfile(): { op: string; args: string }[] {
  const text = readFileSync('deploy/Dockerfile', 'utf8').replace(/\\\n\s*/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ op: l.split(/\s+/, 1)[0]!.toUpperCase(), args: l.slice(l.split(/\s+/, 1)[0]!.length).trim() }));
}

/** The instructions of the last stage: what the image runs. */
function runtimeStage(): { op: string; args: string }[] {
  const all = dockerfile();
  const from = all.map((i) => i.op).lastIndexOf('FROM');
  return all.slice(from);
}

describe('deploy/nginx.conf', () => {
  test('the rendered file nginx runs in the load-balancer tests keeps the retry and failure rules, and nginx accepts it', () => {
    const dir = tempDir('nginx-conf');
    const rendered = renderNginxConf(readFileSync(DEPLOY_NGINX_CONF, 'utf8'), { dir, port: 18080, replicaPorts: [13001, 13002, 13003] });
    expect(rendered).toContain('proxy_next_upstream error timeout http_503 non_idempotent;');
    expect(rendered.match(/^\s*server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=2s;$/gm)).toHaveLength(3);
    expect(rendered).not.toMatch(/bot-\d:3000/);
    writeFileSync(join(dir, 'nginx.conf'), rendered);
    const verdict = nginxTest(join(dir, 'nginx.conf'), dir);
    expect(verdict.output).toContain('test is successful');
  });

  test('as shipped, it points at the replicas compose.yaml defines, on the port compose publishes', () => {
    const shipped = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
    const upstreams = [...shipped.matchAll(/^\s*server (\S+):(\d+) /gm)].map((m) => `${m[1]}:${m[2]}`);
    const services = compose().services;
    const bots = Object.keys(services).filter((name) => services[name]!.build || services[name]!.image === 'twcc-chatops:latest');
    expect(upstreams.sort()).toEqual(bots.map((b) => `${b}:${services[b]!.environment!.PORT}`).sort());
    expect(shipped).toMatch(/^\s*listen 80;/m);
    expect(services.nginx!.ports).toEqual(['8080:80']);
    expect(services.nginx!.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
  });
});

describe('deploy/twcc-chatops.service', () => {
  test('a unit systemd accepts, that stops with SIGTERM and gives the bot its 10 s to finish', () => {
    const unit = readFileSync('deploy/twcc-chatops.service', 'utf8');
    const field = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    expect(field('ExecStart')).toEqual(['/usr/bin/node dist/src/main.js']);
    expect(field('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(field('TimeoutStopSec')[0])).toBeGreaterThan(10);
    expect(field('User')).toEqual(['twcc-chatops']);
    expect(field('EnvironmentFile')).toEqual(['/etc/twcc-chatops/env']);
    // The default store is inside the only folder the unit may write.
    expect(field('Environment')).toContain('STORE_URL=sqlite:///var/lib/twcc-chatops/twcc-chatops.sqlite');
    expect(field('StateDirectory')).toEqual(['twcc-chatops']);
    expect(field('ProtectSystem')).toEqual(['strict']);

    const analyze = spawnSync('systemd-analyze', ['verify', resolve('deploy/twcc-chatops.service')], { encoding: 'utf8', timeout: 20_000 });
    if (analyze.error) {
      // Debian's systemd package brings it; a machine without systemd checks the fields above only.
      console.log(`[deploy] systemd-analyze verify was not run: ${analyze.error.message}`);
      return;
    }
    expect(`${analyze.stdout}${analyze.stderr}`.trim()).toBe('');
    expect(analyze.status).toBe(0);
  });
});

describe('deploy/compose.yaml', () => {
  test('two bots on one Redis behind nginx, each bot healthy only when /readyz says so', () => {
    const services = compose().services;
    expect(Object.keys(services).sort()).toEqual(['bot-1', 'bot-2', 'nginx', 'redis']);
    for (const name of ['bot-1', 'bot-2']) {
      const bot = services[name]!;
      expect(bot.build?.dockerfile).toBe('deploy/Dockerfile');
      expect(existsSync(resolve('deploy', bot.build!.context, bot.build!.dockerfile))).toBe(true);
      expect(bot.environment?.STORE_URL).toBe('${STORE_URL:-redis://redis:6379}');
      expect(bot.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/readyz');
      expect(bot.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
      // The bot needs up to 10 s to finish its work on SIGTERM.
      expect(Number.parseInt(bot.stop_grace_period ?? '10', 10)).toBeGreaterThan(10);
    }
    expect(services.redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services.nginx!.depends_on).toEqual({ 'bot-1': { condition: 'service_healthy' }, 'bot-2': { condition: 'service_healthy' } });
    expect(services.nginx!.healthcheck?.test.length).toBeGreaterThan(1);
  });
});

/**
 * The environment compose gives a service's container: its env_file entries, then its `environment`
 * on top, where `${VAR}`, `${VAR:-default}` and `${VAR:?message}` are read from deploy/.env (compose
 * reads that file both as the env_file named `.env` and for interpolation).
 */
function containerEnv(service: ComposeService, deployDotEnv: Record<string, string>): Record<string, string> {
  const files = service.env_file === undefined ? [] : typeof service.env_file === 'string' ? [service.env_file] : service.env_file;
  const env: Record<string, string> = {};
  for (const file of files) {
    const path = typeof file === 'string' ? file : file.path;
    // Only deploy/.env is known here; another file would need its own test.
    expect(resolve('deploy', path)).toBe(resolve('deploy/.env'));
    Object.assign(env, deployDotEnv);
  }
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    env[name] = String(value).replace(/\$\{(\w+)(?:(:-|:\?)([^}]*))?\}/g, (_, variable: string, op: string | undefined, rest: string | undefined) => {
      const set = deployDotEnv[variable];
      if (set !== undefined && set !== '') return set;
      if (op === ':-') return rest ?? '';
      if (op === ':?') throw new Error(`compose refuses to start: ${variable}: ${rest ?? ''}`);
      return '';
    });
  }
  return env;
}

describe('deploy/compose.yaml settings', () => {
  const bots = () => Object.entries(compose().services).filter(([, s]) => s.build !== undefined);
  const variables = Object.keys(ConfigSchema.shape);
  /** deploy/.env with every variable of src/config.ts set, each to a value of its own. */
  const everySet = Object.fromEntries(variables.map((name) => [name, `${name.toLowerCase()}-from-deploy-env`]));

  test('every variable of src/config.ts set in deploy/.env reaches each bot container, but PORT, which nginx.conf needs at 3000', () => {
    expect(bots().length).toBeGreaterThan(1);
    for (const [name, bot] of bots()) {
      const env = containerEnv(bot, everySet);
      const missing = variables.filter((v) => env[v] === undefined);
      expect(missing, name).toEqual([]);
      const changed = variables.filter((v) => env[v] !== everySet[v]);
      expect(changed, name).toEqual(['PORT']);
      expect(env.PORT).toBe('3000');
    }
  });

  test('with only the secrets set, the bots use the compose Redis; without ENCRYPTION_KEY compose refuses', () => {
    for (const [, bot] of bots()) {
      const env = containerEnv(bot, { ENCRYPTION_KEY: 'k', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
      expect(env).toMatchObject({ STORE_URL: 'redis://redis:6379', ENCRYPTION_KEY: 'k', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
      expect(() => containerEnv(bot, { SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/ENCRYPTION_KEY/);
    }
  });
});

describe('deploy/Dockerfile', () => {
  test('multi-stage, non-root, a health check on /readyz, and every COPY source exists', () => {
    const all = dockerfile();
    expect(all.filter((i) => i.op === 'FROM').length).toBeGreaterThanOrEqual(2);
    const runtime = runtimeStage();
    const user = runtime.filter((i) => i.op === 'USER').pop()?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('/readyz');
    const sources = all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((s) => !existsSync(resolve(s)))).toEqual([]);
  });

  test('the files the image holds run with its CMD, and its HEALTHCHECK command passes against them', async () => {
    // No container runtime here: the runtime stage's COPY set is laid out in a folder, the
    // project's node_modules standing for the deps stage, and the image's own commands are run.
    const runtime = runtimeStage();
    const app = tempDir('image');
    for (const copy of runtime.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const [source, target] = copy.args.split(/\s+/) as [string, string];
      cpSync(resolve(source), join(app, target === './' ? source : target), { recursive: true });
    }
    expect(runtime.some((i) => i.op === 'COPY' && i.args.startsWith('--from=deps /app/node_modules'))).toBe(true);
    symlinkSync(resolve('node_modules'), join(app, 'node_modules'));
    // The build stage's dist/ is the project's own, built by `npm test`'s pretest as `npm ci` builds it.
    expect(runtime.some((i) => i.op === 'COPY' && i.args.startsWith('--from=deps /app/dist'))).toBe(true);
    cpSync(resolve('dist'), join(app, 'dist'), { recursive: true });
    const cmd = JSON.parse(runtime.find((i) => i.op === 'CMD')!.args) as string[];
    const healthcheck = JSON.parse(/CMD (\[.*\])$/.exec(runtime.find((i) => i.op === 'HEALTHCHECK')!.args)![1]!) as string[];
    expect(cmd[0]).toBe('node');
    expect(healthcheck[0]).toBe('node');

    fake = await startFakeSlack();
    const port = String(await closedPort());
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: port,
      STORE_URL: `sqlite://${join(app, 'data', 'bot.sqlite')}`,
      SLACK_BOT_TOKEN: 'xoxb-image-test',
      SLACK_SIGNING_SECRET: 'image-test-secret',
      SLACK_API_URL: fake.apiUrl,
    };
    const bot = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    bot.stderr.on('data', (c) => (stderr += String(c)));
    const exited = new Promise<number | null>((done) => bot.once('exit', (code) => done(code)));
    try {
      const before = spawnSync(process.execPath, healthcheck.slice(1), { cwd: app, env, timeout: 5_000 });
      expect(before.status, 'healthy before the bot listens').toBe(1);
      // Started within 20 s (polled: a log has no event to wait on), or the test fails with its log.
      const deadline = Date.now() + 20_000;
      while (!stderr.includes('"msg":"twcc-chatops ready"') && bot.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain('"msg":"twcc-chatops ready"');
      const after = spawnSync(process.execPath, healthcheck.slice(1), { cwd: app, env, timeout: 5_000 });
      expect(after.status).toBe(0);
      // STOPSIGNAL: it stops cleanly on SIGTERM.
      expect(runtime.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
      bot.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (bot.exitCode === null) bot.kill('SIGKILL');
    }
    // The store went where the image's data volume is.
    expect(existsSync(join(app, 'data', 'bot.sqlite'))).toBe(true);
  }, 60_000);
});
