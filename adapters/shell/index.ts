import { createInterface } from 'node:readline';
import type { Core } from '../../src/core/core.js';
import type { ChatUser, CommandName } from '../../src/core/invocation.js';
import type { Adapter, Messenger, Outcome, PostTarget } from '../../src/core/outcome.js';
import type { Button, Reply } from '../../src/core/reply.js';
import { renderForTerminal } from './render.js';

const clip = (s: string, max = 40): string => (s.length <= max ? s : `${s.slice(0, max)}…`);

export interface ShellOptions {
  core: Core;
  /** The first start ever on this store: the longer greeting (main knows, from the store). */
  firstStart: boolean;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Prompts are shown only to a person at a terminal, not to a pipe. */
  interactive: boolean;
  /** What the commands act on: the greeting tells the user, since what to do first differs. */
  backend: { name: 'local' | 'twcc'; project: string };
}

const BUTTONS_AND_HELP = [
  'Buttons show as [1] Label: type the number to click.',
  '`/help` lists every command; `exit` or Ctrl-D leaves. State is kept in the store between runs.',
];

/** The first-start greeting: true for the backend in use (on TWCC nobody is linked or admin yet). */
function firstStartHint(backend: ShellOptions['backend']): string[] {
  if (backend.name === 'twcc') {
    return [
      `twcc-chatops shell, on the TWCC API (project ${backend.project}). You are local:admin, not linked to a TWCC member yet.`,
      'Run `/tenant login`, then paste your own TWCC API key: your role comes from TWCC. `/as <name>` switches to another chat user.',
      ...BUTTONS_AND_HELP,
    ];
  }
  return [
    'twcc-chatops shell, on the embedded registry. You are local:admin, a tenant admin.',
    'Try `/apikey create`, `/tenant link @alice alice`, then `/as alice`.',
    ...BUTTONS_AND_HELP,
  ];
}

const WHERE = { workspace: 'local', channelId: 'shell' };
/** Command names in any case (`/APIKEY list`), as Slack and Discord take them. */
const COMMAND = /^\/(apikey|quota|tenant)(?:\s+(.*))?$/is;
/** A chat name: letters and digits of any script (`陳大文`, `José`), then `.`, `_`, `-`. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;
/** Longer than any slash command Slack would deliver: not run, and not echoed back. */
const MAX_LINE = 4000;

/**
 * The terminal adapter: commands typed as in Slack, buttons clicked by number, `/as <name>` to act
 * as someone else. Works the same with a pipe, so it can be scripted.
 */
export async function runShell(opts: ShellOptions): Promise<void> {
  const shell = createShellAdapter(opts);
  opts.core.registerAdapter(shell);
  await shell.start();
  await shell.closed;
}

/** The shell as an Adapter; `closed` resolves when the input ends or the user types `exit`. */
export interface ShellAdapter extends Adapter {
  readonly closed: Promise<void>;
}

export function createShellAdapter(opts: ShellOptions): ShellAdapter {
  let closed: Promise<void> | undefined;
  let stop: (() => void) | undefined;
  const { messenger, loop } = shellLoop(opts, (s) => (stop = s));
  return {
    name: 'local',
    messenger,
    async start() {
      closed = loop();
    },
    get closed() {
      return closed ?? Promise.resolve();
    },
    async stop() {
      stop?.();
    },
  };
}

function shellLoop(
  { core, firstStart, input, output, interactive, backend }: ShellOptions,
  onStop: (stop: () => void) => void,
): { messenger: Messenger; loop: () => Promise<void> } {
  let acting = 'admin';
  let buttons: Button[] = [];
  const write = (s: string) => output.write(`${s}\n`);
  const user = (): ChatUser => ({ platform: 'local', workspace: 'local', userId: acting, name: acting });

  const show = (reply: Reply, header?: string) => {
    const rendered = renderForTerminal(reply, header);
    write(rendered.text);
    if (rendered.buttons.length > 0) buttons = rendered.buttons;
  };

  const messenger: Messenger = {
    async post(target: PostTarget, reply: Reply) {
      show(reply, target.kind === 'approvals' ? '#approvals:' : `(private to ${target.user.userId})`);
    },
  };

  const loop = async () => {
    if (firstStart) firstStartHint(backend).forEach((l) => write(l));
    else write(`twcc-chatops shell: you are local:${acting}. \`/help\` lists the commands.`);

    const rl = createInterface({ input, terminal: false });
    onStop(() => rl.close());
    const prompt = () => interactive && output.write(`${acting}> `);
    let awaitingLoginKey = false;
    prompt();

    const showOutcome = (outcome: Outcome) => {
      if (outcome.kind === 'reply') return show(outcome.reply);
      if (outcome.kind === 'duplicate') return;
      write(`${outcome.title}. ${outcome.label} (the next line you type is taken as the key):`);
      awaitingLoginKey = true;
    };

    for await (const raw of rl) {
      const line = raw.trim();
      if (awaitingLoginKey) {
        awaitingLoginKey = false;
        showOutcome(await core.handle({ kind: 'login', user: user(), where: WHERE, apiKey: line }));
      } else if (line.length > MAX_LINE) {
        write(`That line is ${line.length} characters long; a command is at most ${MAX_LINE}. Nothing was run.`);
      } else if (line === '' || line.startsWith('#')) {
        // blank lines and comments let scripts breathe
      } else if (line === 'exit' || line === 'quit') {
        break;
      } else if (/^\/as(\s|$)/.test(line)) {
        const name = line.slice(3).trim().replace(/^@/, '').replace(/^local:/, '');
        if (NAME.test(name)) {
          acting = name;
          write(`You are now local:${acting}.`);
        } else write('Usage: /as <name>, e.g. /as alice');
      } else if (line === '/help' || line === 'help') {
        for (const c of ['apikey', 'quota', 'tenant'] as const) {
          showOutcome(await core.handle({ kind: 'command', user: user(), where: WHERE, command: c, text: 'help' }));
        }
        write('Shell only: `/as <name>` acts as another chat user; a number clicks a button; `exit` leaves.');
      } else if (/^\d+$/.test(line)) {
        const button = buttons[Number(line) - 1];
        if (!button) write(buttons.length ? `No button [${line}]; choose 1 to ${buttons.length}.` : 'There is no button to click.');
        else showOutcome(await core.handle({ kind: 'click', user: user(), where: WHERE, actionId: button.id, messageIsPrivate: true }));
      } else {
        const m = COMMAND.exec(line);
        if (!m) write(`\`${clip(line.split(/\s/)[0] ?? '')}\` is not a command. Commands: /apikey, /quota, /tenant, /as, /help, exit.`);
        else showOutcome(await core.handle({ kind: 'command', user: user(), where: WHERE, command: m[1]!.toLowerCase() as CommandName, text: m[2] ?? '' }));
      }
      prompt();
    }
    rl.close();
  };
  return { messenger, loop };
}
