/**
 * A reason the bot cannot start, worded for the operator: the variable to change and how.
 * Printed as one line, `VARIABLE: what is wrong; the fix`.
 */
export interface StartupProblem {
  variable: string;
  message: string;
}

export const formatProblem = (p: StartupProblem): string => `${p.variable}: ${p.message}`;

/** Thrown at the process boundary only: main.ts prints one line per problem and exits non-zero. */
export class StartupError extends Error {
  constructor(readonly problems: StartupProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'StartupError';
  }
}

/** One problem, as an error to throw from a start-up check. */
export const startupError = (variable: string, message: string): StartupError => new StartupError([{ variable, message }]);
