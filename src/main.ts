import { dirname, resolve } from 'node:path';
import { LocalRegistry } from './backends/local/registry.js';
import type { Backend } from './backends/port.js';
import { discordEnabled, loadConfig, slackEnabled, type Config } from './config.js';
import { Core } from './core/core.js';
import { createLogger, type Logger } from './log.js';
import { checkPortFree } from './startup/port-free.js';
import { installProcessGuards } from './startup/process-guards.js';
import { checkSlackAuth } from './startup/slack-auth.js';
import { describeStartFailure } from './startup/start-failure.js';
import { openReachableStore } from './startup/store-reachable.js';
import { sqlitePath, type Store } from './store/index.js';

interface Running {
  stop(): Promise<void>;
}

/** Where generated files (the encryption key) live: beside the SQLite file, else ./data. */
export function dataDir(config: Config): string {
  const path = sqlitePath(config.STORE_URL);
  return path && path !== ':memory:' ? dirname(resolve(path)) : resolve('data');
}

async function openBackend(config: Config, store: Store, logger: Logger): Promise<Backend> {
  if (config.BACKEND === 'local') return new LocalRegistry(store, config.TWCC_PROJECT ?? 'LOCAL');
  const { createTwccBackend } = await import('./backends/twcc/index.js');
  return createTwccBackend({ config, store, logger, dataDir: dataDir(config) });
}

/** config → store → backend → core → adapters; SIGTERM ends it all within 10 s. */
async function main(): Promise<void> {
  const config = loadConfig();
  const useShell = !slackEnabled(config) && !discordEnabled(config);
  // The shell owns the terminal: logs go to stderr there, and only warnings unless asked.
  const logger = createLogger(useShell && !process.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL);
  installProcessGuards(logger);

  // Fail fast, naming the variable: every dependency answers within a deadline before any adapter starts.
  const store = await openReachableStore(config.STORE_URL);
  if (slackEnabled(config)) {
    await checkPortFree(config.PORT);
    await checkSlackAuth(config);
  }

  const backend = await openBackend(config, store, logger);
  const admins = useShell ? [...config.ADMINS, 'local:admin'] : config.ADMINS;
  const core = new Core({ store, backend, admins, logger });
  const running: Running[] = [];

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code || 1), 10_000).unref();
    for (const r of running.reverse()) await r.stop().catch((err) => logger.error({ err }, 'adapter stop failed'));
    await backend.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  if (slackEnabled(config)) {
    const { startSlack } = await import('../adapters/slack/index.js');
    running.push(await startSlack({ core, config, logger }));
  }
  if (discordEnabled(config)) {
    const { startDiscord } = await import('../adapters/discord/index.js');
    running.push(await startDiscord({ core, config, logger }));
  }
  if (useShell) {
    const { runShell } = await import('../adapters/shell/index.js');
    await runShell({ core, store, input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY) });
    await shutdown(0);
  } else {
    logger.info({ slack: slackEnabled(config), discord: discordEnabled(config), backend: backend.name, store: store.kind }, 'twcc-chatops ready');
  }
}

// One line per problem; exiting also ends store clients that would otherwise reconnect for ever.
main().catch((err: unknown) => {
  for (const line of describeStartFailure(err)) process.stderr.write(`twcc-chatops could not start: ${line}\n`);
  process.exit(1);
});
