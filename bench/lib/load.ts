/**
 * autocannon load where every request is a distinct signed slash command (its own trigger_id and
 * response_url), built per request in setupRequest as Slack would send them.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { signedSlashCommand, type SlashCommand } from './slack-command.js';

let seq = 0;

export interface Slice {
  /** Requests answered 200 (acknowledged). */
  acked: number;
  /** Answers other than 200, and errors (resets, timeouts). */
  failed: number;
  /** What the failures were: `HTTP 500`, `errors`, `timeouts` → count. */
  failures: Record<string, number>;
  /** Ack latency of every request, ms. */
  latencies: number[];
  /** Wall time from the first request to the last ack, ms. */
  wallMs: number;
  /** Requests answered in their acknowledgement (a JSON message in the 200), as Slack shows them. */
  inAck: {
    /** Their response_url ids (`<tag>.<id>.<sent at>`), for the fake Slack's check that nothing is answered twice. */
    ids: string[];
    /** From sending each to its answer, ms. */
    answerMs: number[];
    /** Answers in the ack without the expected text, and the first of them. */
    wrong: number;
    wrongSample: string | undefined;
  };
}

/** Loads `url` for `durationS` seconds (or until `amount` requests) at `connections`, each request a new command (taking turns when several). */
export async function load(
  url: string,
  cmd: SlashCommand | SlashCommand[],
  respondBase: string,
  opts: { connections: number; durationS?: number; amount?: number; tag?: string; expect?: string },
): Promise<Slice> {
  const cmds = Array.isArray(cmd) ? cmd : [cmd];
  const latencies: number[] = [];
  let failed = 0;
  const inAck: Slice['inAck'] = { ids: [], answerMs: [], wrong: 0, wrongSample: undefined };
  const start = performance.now();
  let done!: (r: autocannon.Result) => void;
  let broke!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((done = resolve), (broke = reject)));
  const options: autocannon.Options = {
    url,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationS ?? 1 }),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/slack/events',
        // One request at a time per connection, so the connection's context names the request it answers.
        setupRequest: (req, context: { responseId?: string }) => {
          seq++;
          const { responseId, ...signed } = signedSlashCommand(cmds[seq % cmds.length]!, seq, respondBase, opts.tag ?? 'load');
          context.responseId = responseId;
          return { ...req, ...signed };
        },
        // An answer in the ack counts as the request's answer (Slack shows it as a response_url post).
        onResponse: (status, body, context: { responseId?: string }) => {
          if (status !== 200 || body === '' || !context.responseId) return;
          const id = context.responseId;
          inAck.ids.push(id);
          inAck.answerMs.push(Date.now() - Number(id.split('.')[2]));
          if (opts.expect !== undefined && !body.includes(opts.expect)) {
            inAck.wrong++;
            inAck.wrongSample ??= body.slice(0, 300);
          }
        },
      },
    ],
  };
  const instance = autocannon(options, (err: unknown, result: autocannon.Result) => (err ? broke(err) : done(result)));
  const failures: Record<string, number> = {};
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status === 200) return void latencies.push(responseTime);
    failed++;
    failures[`HTTP ${status}`] = (failures[`HTTP ${status}`] ?? 0) + 1;
  });
  const result = await finished;
  const wallMs = performance.now() - start;
  failed += result.errors + result.timeouts;
  if (result.errors) failures.errors = result.errors;
  if (result.timeouts) failures.timeouts = result.timeouts;
  return { acked: latencies.length, failed, failures, latencies, wallMs, inAck };
}
