import { z } from 'zod';
import { hmacSealer } from '../../src/crypto/hmac-seal.js';

/**
 * The login modal's context (the channel and response_url of the `/tenant login` it came from, and who
 * may submit it) travels in `private_metadata`, which comes back in a view submission. Slack signs the
 * request, not what the bot put in the view, so the context is sealed with an HMAC keyed from the
 * signing secret: a submission that names another URL, channel or user is refused, not trusted.
 */
export const LoginModalContext = z.object({
  channelId: z.string().min(1),
  /** The slash command's response_url (valid 30 minutes): the login outcome is answered there. */
  responseUrl: z.string().url(),
});
export type LoginModalContext = z.infer<typeof LoginModalContext>;

const Sealed = LoginModalContext.extend({
  /** Only the user who typed `/tenant login` may submit the modal. */
  userId: z.string().min(1),
  /** Epoch ms after which the context is refused: a response_url lives 30 minutes. */
  expiresAt: z.number().int(),
});

/** A response_url is valid for 30 minutes; so is the modal that answers through it. */
const MODAL_CONTEXT_TTL_MS = 30 * 60 * 1000;

/** Keyed from the signing secret; the purpose keeps the key (and so every sealed context) as it was before the sealer was shared. */
const sealer = (signingSecret: string) => hmacSealer(signingSecret, 'login modal context v1');

/** `base64url(json).mac`: fits private_metadata (3000 characters) with room to spare. */
export function sealLoginContext(signingSecret: string, context: LoginModalContext & { userId: string }, now = Date.now()): string {
  return sealer(signingSecret).seal({ ...context, expiresAt: now + MODAL_CONTEXT_TTL_MS });
}

/** The context, when `metadata` was sealed by this bot for `userId` and has not expired; else why not. */
export function openLoginContext(
  signingSecret: string,
  metadata: string,
  userId: string,
  now = Date.now(),
): { ok: true; value: LoginModalContext } | { ok: false; reason: string } {
  const opened = sealer(signingSecret).open(metadata);
  if (!opened.ok) return opened;
  const parsed = Sealed.safeParse(opened.value);
  if (!parsed.success) return { ok: false, reason: 'bad shape' };
  if (parsed.data.userId !== userId) return { ok: false, reason: 'another user' };
  if (parsed.data.expiresAt < now) return { ok: false, reason: 'expired' };
  return { ok: true, value: { channelId: parsed.data.channelId, responseUrl: parsed.data.responseUrl } };
}

/** Slack's own hosts that hand out response_urls. */
const SLACK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);

/**
 * True when the bot may POST to `url`: https to Slack's own hooks hosts, or the origin of
 * SLACK_API_URL (the fake Slack in tests, a proxy in front of Slack in some deployments).
 */
export function mayPostTo(url: string, slackApiUrl: string | undefined): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && SLACK_HOSTS.has(u.hostname) && u.port === '') return true;
  if (!slackApiUrl) return false;
  try {
    return u.origin === new URL(slackApiUrl).origin;
  } catch {
    return false;
  }
}
