/** What may be logged of a discord.js failure. */
export interface DiscordErrorSummary {
  name: string;
  message: string;
  status?: number;
  code?: number | string;
  method?: string;
  path?: string;
}

/** Interaction and webhook tokens sit in the URL path; they are credentials for 15 minutes. */
export function redactPath(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0] ?? '';
  }
  return path.replace(/\/(webhooks|interactions)\/(\d+)\/[^/?]+/g, '/$1/$2/:token');
}

/**
 * The safe part of an error from discord.js or its REST client: never `requestBody` (it holds the
 * message, which may be a secret meant for one user) and never a token from the URL.
 */
export function summarizeDiscordError(err: unknown): DiscordErrorSummary {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err).slice(0, 200) };
  const e = err as Error & { status?: unknown; code?: unknown; method?: unknown; url?: unknown };
  return {
    name: e.name,
    message: e.message.slice(0, 500),
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(typeof e.code === 'number' || typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.method === 'string' ? { method: e.method } : {}),
    ...(typeof e.url === 'string' ? { path: redactPath(e.url) } : {}),
  };
}

/** An error safe to hand to code that logs it whole (the core logs a failed post with `{ err }`). */
export class DiscordRequestFailed extends Error {
  override readonly name = 'DiscordRequestFailed';
  readonly summary: DiscordErrorSummary;
  constructor(cause: unknown) {
    const summary = summarizeDiscordError(cause);
    super([summary.method, summary.path, summary.status, summary.code, summary.message].filter((p) => p !== undefined).join(' '));
    this.summary = summary;
  }
}
