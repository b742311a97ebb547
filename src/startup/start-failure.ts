import { portProblem } from './port-free.js';
import { formatProblem, StartupError } from './problem.js';

/**
 * The lines to print for a start that failed: one per problem, naming the variable and the fix
 * when it is known (a listen error anywhere in the start is the PORT's), else the error's message.
 */
export function describeStartFailure(err: unknown): string[] {
  if (err instanceof StartupError) return err.problems.map(formatProblem);
  const port = (err as { port?: unknown } | undefined)?.port;
  const problem = typeof port === 'number' ? portProblem(err, port) : undefined;
  if (problem) return problem.problems.map(formatProblem);
  return [err instanceof Error ? err.message : String(err)];
}
