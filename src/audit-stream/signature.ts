import { createHmac } from 'node:crypto';

/** The request headers a receiver verifies a batch by (README: Streaming the audit trail to a SIEM). */
export const TIMESTAMP_HEADER = 'x-chatops-timestamp';
export const SIGNATURE_HEADER = 'x-chatops-signature';

/**
 * `v1=<hex>`: HMAC-SHA256 keyed by AUDIT_WEBHOOK_SECRET over `v1:<timestamp>:<body>`, where the timestamp
 * is the `X-Chatops-Timestamp` header (Unix seconds) and the body the exact bytes sent. Binding the time
 * lets a receiver refuse a replayed old batch; the `v1` names the scheme, so another can follow.
 */
export function signBatch(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`v1:${timestamp}:`).update(body).digest('hex')}`;
}
