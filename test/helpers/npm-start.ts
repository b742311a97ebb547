import { spawn } from 'node:child_process';

/** What the bot reads from the environment that a test's own environment must not leak into `npm start`. */
const CHAT_AND_LOG_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DISCORD_TOKEN',
  'DISCORD_APPLICATION_ID',
  'LOG_LEVEL',
  'LOG_FILE',
  'LOG_FORMAT',
  'ENCRYPTION_KEY',
];

/**
 * `printf '…' | npm start`, exactly as a person would script it: no chat token, so the shell adapter;
 * `env` is added to this process's environment, from which the chat and log variables are removed
 * first (unless `env` sets them).
 */
export function npmStartPiped(input: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const full: NodeJS.ProcessEnv = { ...process.env };
    for (const k of CHAT_AND_LOG_VARIABLES) delete full[k];
    Object.assign(full, env);
    const child = spawn('npm', ['start', '--silent'], { cwd: process.cwd(), env: full, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}
