import { dirname, join, resolve } from 'node:path';
import { LocalRegistry } from './backends/local/registry.js';
import type { Backend } from './backends/port.js';
import { discordEnabled, loadConfig, slackEnabled, type Config } from './config.js';
import { Core } from './core/core.js';
import { createLogger, logFile, type Logger } from './log.js';
import { openStore, sqlitePath, type Store } from './store/index.js';
import { usage } from './usage.js';

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
async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return void process.stdout.write(usage());
  if (args.length > 0) throw new Error(`unknown argument ${args[0]}: the bot is configured by environment variables (npm start -- --help)`);
  const config = loadConfig();
  const useShell = !slackEnabled(config) && !discordEnabled(config);
  // The shell owns the terminal: its logs go to a file, so that none lands between a prompt and a reply.
  const logPath = config.LOG_FILE ?? (useShell ? join(dataDir(config), 'twcc-chatops.log') : undefined);
  const logger = createLogger(config.LOG_LEVEL, logPath ? logFile(logPath) : process.stderr, config.LOG_FORMAT);
  const store = await openStore(config.STORE_URL);
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
    await runShell({ core, store, input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY), backend: { name: backend.name, project: config.TWCC_PROJECT ?? 'LOCAL' } });
    await shutdown(0);
  } else {
    logger.info({ slack: slackEnabled(config), discord: discordEnabled(config), backend: backend.name, store: store.kind }, 'twcc-chatops ready');
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`twcc-chatops could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
