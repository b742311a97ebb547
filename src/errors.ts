/**
 * The one thrown-error shape, as Bolt's `CodedError`: a stable `code` that code and tests branch on,
 * a message for the operator's log, and the cause kept. A user never reads the message: the words
 * they read are chosen by code from the catalogs (src/core/middleware.ts, `errorReferences`).
 * Expected failures at a boundary are values instead (`Result`, src/result.ts), with codes from the
 * same kind of closed list.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The `code` of anything thrown (a CodedError, a Node system error, a driver's error), if it has one. */
export const codeOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
