import { createInterface } from 'node:readline';
import type { ReadStream } from 'node:tty';
import type { Core } from '../../src/core/core.js';
import type { Translator } from '../../src/core/i18n.js';
import type { ChatUser } from '../../src/core/invocation.js';
import type { Adapter, Messenger, Outcome, PostTarget } from '../../src/core/outcome.js';
import type { Button, Reply } from '../../src/core/reply.js';
import { renderForTerminal, terminalLine } from './render.js';

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

/** The first-start greeting: true for the backend in use (on TWCC nobody is linked or admin yet). */
function firstStartHint(t: Translator, backend: ShellOptions['backend']): string[] {
  const next =
    backend.name === 'twcc'
      ? [t.t('shell.firstTwcc', { project: backend.project }), t.t('shell.firstTwccNext')]
      : [t.t('shell.firstLocal'), t.t('shell.firstLocalNext')];
  return [...next, t.t('shell.buttons'), t.t('shell.helpExit')];
}

const WHERE = { workspace: 'local', channelId: 'shell' };
/** A slash command in any case (`/APIKEY list`), as Slack and Discord take them; the core knows which exist. */
const COMMAND = /^\/([a-z][a-z0-9_-]{0,31})(?:\s+(.*))?$/is;
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
  /**
   * The buttons a typed number clicks: those of the last card shown, only until a command other than
   * `/as` runs (then they are gone, so a number never presses a button of an older reply).
   */
  let buttons: Button[] = [];
  /** The card those buttons are on, when the messenger posted it (numbered below): a click tells the core which card it was. */
  let buttonsOn: string | undefined;
  /** True while a typed line is being answered; a notice arriving otherwise lands after a prompt already shown. */
  let busy = true;
  let promptShown = false;
  const write = (s: string) => output.write(`${terminalLine(s)}\n`);
  const user = (): ChatUser => ({ platform: 'local', workspace: 'local', userId: acting, name: acting });
  /** The shell's own lines are in the acting user's `/tenant lang`, as the core's answers are. */
  const words = () => core.translatorFor(user());

  const show = (reply: Reply, header?: string) => {
    const rendered = renderForTerminal(reply, header);
    write(rendered.text);
    // A card edited in place after a click keeps only the buttons it now shows (usually none), and stays the same card.
    if (rendered.buttons.length > 0 || reply.replaceOriginal === true) {
      buttons = rendered.buttons;
      if (reply.replaceOriginal !== true) buttonsOn = undefined;
    }
  };
  const prompt = () => {
    if (!interactive) return;
    output.write(`${acting}> `);
    promptShown = true;
  };

  /** Cards posted to #approvals, numbered, so that a reminder can answer one and an expiry edit it. */
  let cards = 0;
  const notice = (reply: Reply, header: string) => {
    // A reminder or notice that arrives while the prompt waits: on a line of its own, then the prompt again.
    const idleAtPrompt = !busy && promptShown;
    if (idleAtPrompt) output.write('\n');
    show(reply, header);
    if (idleAtPrompt) prompt();
  };
  const messenger: Messenger = {
    async post(target: PostTarget, reply: Reply) {
      switch (target.kind) {
        case 'approvals': {
          const messageId = String(++cards);
          notice(reply, '#approvals:');
          if (buttons.length > 0) buttonsOn = messageId;
          return { platform: 'local', channelId: 'approvals', messageId };
        }
        case 'thread':
          notice(reply, '#approvals, a reply under its card:');
          return;
        case 'dm':
          notice(reply, (await core.translatorFor(target.user)).t('shell.privateTo', { user: target.user.userId }));
          return;
        case 'escalation':
          // A terminal has one channel: nothing to escalate to.
          return;
      }
    },
    async edit(_ref, reply) {
      notice(reply, '#approvals, its card edited:');
    },
  };

  const echo = terminalEcho(input);

  const loop = async () => {
    const t = await words();
    if (firstStart) firstStartHint(t, backend).forEach((l) => write(l));
    else write(t.t('shell.welcomeBack', { user: acting }));

    const rl = createInterface({ input, terminal: false });
    onStop(() => rl.close());
    let awaitingLoginKey = false;
    busy = false;
    prompt();

    const showOutcome = async (outcome: Outcome) => {
      if (outcome.kind === 'reply') return show(outcome.reply);
      if (outcome.kind === 'duplicate') return;
      const ask = (await words()).t('shell.loginPrompt', { title: outcome.title, label: outcome.label });
      // The key is a secret: a terminal must not echo it (a pipe never does). Echo goes off before the
      // question is shown, so a key typed the moment it appears is not echoed either; at a terminal the
      // key is typed on the question's line, in place of a prompt.
      if (echo.turnOff()) output.write(`${ask} `);
      else write(ask);
      awaitingLoginKey = true;
    };

    for await (const raw of rl) {
      busy = true;
      promptShown = false;
      const line = raw.trim();
      const isCommand = line !== '' && !line.startsWith('#') && !/^\d+$/.test(line) && !/^\/as(\s|$)/.test(line);
      if (isCommand || awaitingLoginKey) buttons = [];
      if (awaitingLoginKey) {
        awaitingLoginKey = false;
        // Enter was not echoed either: end the prompt's line before the answer.
        if (echo.restore()) output.write('\n');
        await showOutcome(await core.handle({ kind: 'login', user: user(), where: WHERE, apiKey: typedKey(raw) }));
      } else if (line.length > MAX_LINE) {
        write((await words()).t('shell.tooLong', { length: line.length, max: MAX_LINE }));
      } else if (line === '' || line.startsWith('#')) {
        // blank lines and comments let scripts breathe
      } else if (line === 'exit' || line === 'quit') {
        break;
      } else if (/^\/as(\s|$)/.test(line)) {
        const name = line.slice(3).trim().replace(/^@/, '').replace(/^local:/, '');
        if (NAME.test(name)) {
          acting = name;
          write((await words()).t('shell.nowActing', { user: acting }));
        } else if (name === '') write((await words()).t('shell.asUsage'));
        else write((await words()).t('shell.asBadName', { name: clip(name) }));
      } else if (line === '/help' || line === 'help') {
        for (const { name } of core.commands) {
          await showOutcome(await core.handle({ kind: 'command', user: user(), where: WHERE, command: name, text: 'help' }));
        }
        write((await words()).t('shell.only'));
      } else if (/^\d+$/.test(line)) {
        const button = buttons[Number(line) - 1];
        const t = await words();
        if (!button) write(buttons.length ? t.t('shell.noSuchButton', { typed: line, count: buttons.length }) : t.t('shell.noButtons'));
        else {
          const on = buttonsOn ? { messageId: buttonsOn } : {};
          await showOutcome(await core.handle({ kind: 'click', user: user(), where: WHERE, actionId: button.id, messageIsPrivate: true, ...on }));
        }
      } else {
        const m = COMMAND.exec(line);
        const word = line.split(/\s/)[0] ?? '';
        const commands = core.commands.map((c) => `/${c.name}`).join(', ');
        if (m) await showOutcome(await core.handle({ kind: 'command', user: user(), where: WHERE, command: m[1]!.toLowerCase(), text: m[2] ?? '' }));
        // `apikey list`: a command typed without its slash.
        else if (core.commands.some((c) => c.name === word.toLowerCase())) write((await words()).t('shell.addSlash', { word: clip(word), line: clip(line) }));
        else write((await words()).t('shell.notACommand', { word: clip(word), commands }));
      }
      busy = false;
      if (!awaitingLoginKey) prompt();
    }
    // Closed: a notice that still arrives gets no prompt after it.
    busy = true;
    echo.restore();
    rl.close();
  };
  return { messenger, loop };
}

/** A TTY input's raw mode, which stops the terminal echoing what is typed; nothing for a pipe. */
function terminalEcho(input: NodeJS.ReadableStream): { turnOff: () => boolean; restore: () => boolean } {
  const tty = input as Partial<ReadStream>;
  let off = false;
  // Raw mode also stops Ctrl-C from being a signal: pass it on, so the shell still stops as it would.
  const onCtrlC = (chunk: Buffer | string) => {
    if (chunk.toString().includes('\x03')) process.kill(process.pid, 'SIGINT');
  };
  return {
    turnOff() {
      if (tty.isTTY !== true || typeof tty.setRawMode !== 'function') return false;
      tty.setRawMode(true);
      input.on('data', onCtrlC);
      off = true;
      return true;
    },
    restore() {
      if (!off) return false;
      input.off('data', onCtrlC);
      tty.setRawMode?.(false);
      off = false;
      return true;
    },
  };
}

/** A line typed in raw mode: Backspace and Delete take back the character before them; nothing else is edited. */
function typedKey(raw: string): string {
  const kept: string[] = [];
  for (const ch of raw) {
    if (ch === '\x7f' || ch === '\b') kept.pop();
    else kept.push(ch);
  }
  return kept.join('').trim();
}
