import { dirname, join, resolve } from 'node:path';
import { auditStreamOf } from './audit-stream/index.js';
import { LocalRegistry } from './backends/local/registry.js';
import type { Backend } from './backends/port.js';
import { discordEnabled, discordOverHttp, loadConfig, mattermostEnabled, projectCodes, slackDistributed, slackEnabled, type Config } from './config.js';
import { projectStore } from './core/projects.js';
import { Core } from './core/core.js';
import { allFeatures } from './features/index.js';
import type { ShellAdapter } from '../adapters/shell/index.js';
import type { Adapter } from './core/outcome.js';
import { HttpServer } from './http/server.js';
import { createLogger, logFile, type Logger } from './log.js';
import { countSweep, measureInvocations } from './metrics.js';
import { checkDiscordReach } from './startup/discord-reach.js';
import { checkPortFree } from './startup/port-free.js';
import { installProcessGuards } from './startup/process-guards.js';
import { checkSlackAuth } from './startup/slack-auth.js';
import { prepareSqliteFolder } from './startup/sqlite-folder.js';
import { describeStartFailure } from './startup/start-failure.js';
import { openReachableStore } from './startup/store-reachable.js';
import { settledWithin } from './result.js';
import { sqlitePath, StorePingError, type Store } from './store/index.js';
import { usage } from './usage.js';

/** Where generated files (the encryption key) live: beside the SQLite file, else ./data. */
export function dataDir(config: Config): string {
  const path = sqlitePath(config.STORE_URL);
  return path && path !== ':memory:' ? dirname(resolve(path)) : resolve('data');
}

async function openBackend(config: Config, store: Store, logger: Logger, project?: string): Promise<Backend> {
  if (config.BACKEND === 'local') return new LocalRegistry(store, project ?? config.TWCC_PROJECT ?? 'LOCAL');
  const { createTwccBackend } = await import('./backends/twcc/index.js');
  return createTwccBackend({ config, store, logger, dataDir: dataDir(config), ...(project ? { project } : {}) });
}

/** Several projects (TWCC_PROJECT as a list, LOCAL_PROJECTS): each its own backend, on its own view of the store. */
async function openProjectBackends(config: Config, store: Store, logger: Logger): Promise<{ code: string; backend: Backend }[] | undefined> {
  const codes = projectCodes(config);
  if (codes.length < 2) return undefined;
  return Promise.all(codes.map(async (code, i) => ({ code, backend: await openBackend(config, projectStore(store, code, i === 0), logger, code) })));
}

/** Slack in several workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET). */
async function openSlackOAuth(config: Config, store: Store, logger: Logger) {
  const { openSlackDistribution } = await import('./installations/index.js');
  const { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_API_URL, ENCRYPTION_KEY } = config;
  if (!SLACK_CLIENT_ID || !SLACK_CLIENT_SECRET || !SLACK_STATE_SECRET) throw new Error('Slack OAuth needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET');
  const oauth = { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_API_URL, ENCRYPTION_KEY };
  return openSlackDistribution(oauth, store, logger, dataDir(config), { onReport: countSweep });
}

/** True the first time the shell runs on this store (for its longer greeting). */
async function firstShellStart(store: Store): Promise<boolean> {
  const meta = store.collection<boolean>('meta');
  if (await meta.get('shell.started')) return false;
  await meta.put('shell.started', true);
  return true;
}

/** SIGTERM ends the process within this (orchestrators kill at 10 s by default)... */
const SHUTDOWN_LIMIT_MS = 9_500;
/** ...of which work in flight in the core may take this; adapters then answer what is left. */
const WORK_GRACE_MS = 6_000;
/** How long the Slack adapter then waits for answers already under way before it sends "restarting" notices. */
const SLACK_STOP_GRACE_MS = 1_000;
/** How long a Discord adapter then waits for answers already under way before it closes: within the limit, with the closes below. */
const DISCORD_STOP_GRACE_MS = 1_000;

/** How long the Mattermost adapter then waits for answers already under way before it sends "restarting" notices. */
const MATTERMOST_STOP_GRACE_MS = 1_000;

/** How long each of the HTTP server, backend and store may take to close at shutdown. */
const CLOSE_MS = 500;

/** Waits for `work`, but no longer than `ms`; its failure is not the shutdown's business (settledWithin observes it). */
async function atMost(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  if (work) await settledWithin(work, ms);
}

/** config → store → backend → core → adapters; SIGTERM ends it all within 10 s. */
async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return void process.stdout.write(usage());
  if (args.length > 0) throw new Error(`unknown argument ${args[0]}: the bot is configured by environment variables (npm start -- --help)`);
  const config = loadConfig();
  const useShell = !slackEnabled(config) && !discordEnabled(config) && !mattermostEnabled(config);
  // Before the shell's log file is made beside the SQLite file: a folder that cannot be made names STORE_URL.
  prepareSqliteFolder(config.STORE_URL);
  // The shell owns the terminal: its logs go to a file, so that none lands between a prompt and a reply.
  const logPath = config.LOG_FILE ?? (useShell ? join(dataDir(config), 'twcc-chatops.log') : undefined);
  const logger = createLogger(config.LOG_LEVEL, logPath ? logFile(logPath) : process.stderr, config.LOG_FORMAT);
  installProcessGuards(logger);

  // Fail fast, naming the variable: every dependency answers within a deadline before any adapter starts.
  const store = await openReachableStore(config.STORE_URL, { logger, ...(config.STORE_PREFIX ? { prefix: config.STORE_PREFIX } : {}) });
  if (!useShell) await checkPortFree(config.PORT);
  if (slackEnabled(config) && !slackDistributed(config)) await checkSlackAuth(config);
  if (discordEnabled(config)) await checkDiscordReach(config);

  const projects = await openProjectBackends(config, store, logger);
  const backend = projects ? projects[0]!.backend : await openBackend(config, store, logger);
  const admins = useShell ? [...config.ADMINS, 'local:admin'] : config.ADMINS;
  const { rateLimits, reminderDays, reminderIntervalMs } = config.parsed;
  // AUDIT_WEBHOOK_URL: the audit log streamed to a SIEM (its events name the project as the core's audit log
  // does); AUDIT_KEEP then prunes only what was streamed.
  const auditProject = backend.name === 'twcc' && config.TWCC_PROJECT ? config.TWCC_PROJECT : backend.name;
  const auditStream = auditStreamOf(config, store, logger, projects ? projects.map((p) => p.code) : [auditProject]);
  const core = new Core({
    features: allFeatures({
      keyMaxDays: config.KEY_MAX_DAYS,
      reminderDays,
      reminderIntervalMs,
      // BREAK_GLASS, BREAK_GLASS_REVIEW, PORTAL_REMIND_AFTER (src/features/grants/).
      breakGlass: config.parsed.breakGlass,
      portalRemindAfterMs: config.parsed.portalRemindAfterMs,
      approvals: config.parsed.approvals,
    }),
    store,
    backend,
    admins,
    logger,
    auditKeep: config.AUDIT_KEEP,
    auditProject,
    ...(auditStream ? { auditFloor: auditStream.floor } : {}),
    timeZone: config.TZ,
    middleware: [measureInvocations],
    rateLimits,
    project: projectCodes(config)[0]!,
    ...(projects ? { projects } : {}),
  });
  // Every replica runs each feature's sweeps; the one holding a sweep's store lease runs it. None with REMINDER_DAYS=off.
  const sweepers = [...core.sweepers({ onReport: countSweep }), ...(auditStream?.sweepers ?? [])];

  // One HTTP server on PORT for every chat platform, with /healthz, /readyz and /metrics (not in the shell).
  const http = useShell ? undefined : new HttpServer(config.PORT, logger);
  // Ready means the store answers a read and takes a write (a read-only SQLite file answers only reads).
  http?.addReadinessCheck('store', () =>
    store.ping().then(
      () => undefined,
      (err: unknown) => {
        const refused = err instanceof StorePingError && err.step === 'write' ? 'not writable' : 'not answering';
        return `${refused} (${err instanceof Error ? err.message : String(err)})`;
      },
    ),
  );
  const adapters: Adapter[] = [];
  if (slackEnabled(config) && http) {
    const { createSlackAdapter } = await import('../adapters/slack/index.js');
    // Several workspaces: installations on the store (tokens sealed), OAuth routes, the token rotation sweep.
    const oauth = slackDistributed(config) ? await openSlackOAuth(config, store, logger) : undefined;
    if (oauth) sweepers.push(oauth.sweeper);
    adapters.push(createSlackAdapter({ core, config, logger, http, stopGraceMs: SLACK_STOP_GRACE_MS, ...(oauth ? { distribution: oauth.distribution } : {}) }));
  }
  if (discordOverHttp(config) && http) {
    // Interactions arrive at POST /discord/interactions: any replica can take any of them.
    const { createDiscordHttpAdapter } = await import('../adapters/discord/http-interactions.js');
    adapters.push(createDiscordHttpAdapter({ core, config, logger, http, stopGraceMs: DISCORD_STOP_GRACE_MS }));
  } else if (discordEnabled(config)) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.js');
    adapters.push(createDiscordAdapter({ core, config, logger, stopGraceMs: DISCORD_STOP_GRACE_MS, ...(http ? { http } : {}) }));
  }
  if (mattermostEnabled(config) && http) {
    // Slash commands and clicks arrive at POST /mattermost/commands and /mattermost/actions: any replica can take any of them.
    const { createMattermostAdapter } = await import('../adapters/mattermost/index.js');
    adapters.push(createMattermostAdapter({ core, config, logger, http, stopGraceMs: MATTERMOST_STOP_GRACE_MS }));
  }
  let shell: ShellAdapter | undefined;
  if (useShell) {
    const { createShellAdapter } = await import('../adapters/shell/index.js');
    const interactive = Boolean(process.stdin.isTTY);
    const firstStart = await firstShellStart(store);
    const about = { name: backend.name, project: projectCodes(config).join(', ') };
    shell = createShellAdapter({ core, firstStart, input: process.stdin, output: process.stdout, interactive, backend: about });
    adapters.push(shell);
  }

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const startedAt = Date.now();
    setTimeout(() => {
      logger.error({ afterMs: Date.now() - startedAt }, 'shutdown did not finish in time; exiting now');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    // Not ready at once, and new platform requests get 503 (a load balancer passes them on to another
    // replica); requests already accepted are answered: work in flight gets WORK_GRACE_MS, and what is
    // still unanswered then is told "this may or may not have been applied" by its adapter.
    http?.markStopping();
    logger.info({ code }, 'stopping: not ready, new requests refused with 503, finishing work in flight');
    // The sweep stops before its next member and gives its lease to another replica.
    await Promise.all([core.stop(WORK_GRACE_MS), atMost(CLOSE_MS, Promise.all(sweepers.map((s) => s.stop())))]);
    await Promise.all(adapters.map((a) => a.stop().catch((err: unknown) => logger.error({ err, adapter: a.name }, 'adapter stop failed'))));
    // Each close waits for its own work (a TWCC call of 30 s, an idle connection): not past the limit.
    await atMost(CLOSE_MS, http?.stop());
    await atMost(CLOSE_MS, Promise.all((projects ?? [{ backend }]).map((p) => p.backend.close())));
    await atMost(CLOSE_MS, store.close());
    logger.info({ afterMs: Date.now() - startedAt }, 'stopped');
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  // Listening first: /healthz answers during the start and /readyz says 503 until every platform is connected.
  const port = await http?.start();
  for (const adapter of adapters) {
    core.registerAdapter(adapter);
    await adapter.start();
  }
  // After the adapters: a reminder goes out through their messengers.
  for (const sweeper of sweepers) sweeper.start();
  if (shell) {
    await shell.closed;
    await shutdown(0);
  } else {
    const discord = discordOverHttp(config) ? 'http' : discordEnabled(config) ? 'gateway' : false;
    logger.info({ port, slack: slackEnabled(config), discord, mattermost: mattermostEnabled(config), backend: backend.name, store: store.kind }, 'twcc-chatops ready');
  }
}

// One line per problem; exiting also ends store clients that would otherwise reconnect for ever.
main(process.argv.slice(2)).catch((err: unknown) => {
  for (const line of describeStartFailure(err)) process.stderr.write(`twcc-chatops could not start: ${line}\n`);
  process.exit(1);
});
