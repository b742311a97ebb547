import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { formatProblem } from '../../src/startup/problem.js';

const SECRET = 'a-webhook-secret-of-some-length';
const linesFor = (env: Record<string, string>) => {
  const parsed = parseConfig(env);
  return parsed.ok ? [] : parsed.problems.map(formatProblem);
};

describe('AUDIT_WEBHOOK_* configuration', () => {
  it('takes an https URL with its secret, and http to loopback (a receiver on the same machine)', () => {
    for (const url of ['https://siem.example.org/ingest?token=x', 'http://127.0.0.1:8088/in', 'http://localhost/in', 'http://[::1]:9/in']) {
      const parsed = parseConfig({ AUDIT_WEBHOOK_URL: url, AUDIT_WEBHOOK_SECRET: SECRET });
      expect(parsed.ok, url).toBe(true);
    }
    const splunk = parseConfig({ AUDIT_WEBHOOK_URL: 'https://splunk.example.org:8088/services/collector/event', AUDIT_WEBHOOK_SECRET: SECRET, AUDIT_WEBHOOK_FORMAT: 'splunk-hec' });
    expect(splunk.ok && splunk.value.AUDIT_WEBHOOK_FORMAT).toBe('splunk-hec');
  });

  it('refuses plain http to another host, a non-URL, a missing or short secret, and a format it does not know, never echoing the URL or secret', () => {
    expect(linesFor({ AUDIT_WEBHOOK_URL: 'http://siem.example.org/in?token=hush', AUDIT_WEBHOOK_SECRET: SECRET })).toEqual([
      'AUDIT_WEBHOOK_URL: is plain http: audit events and their signature would cross the network unencrypted; use https (http only to localhost or 127.0.0.1)',
    ]);
    expect(linesFor({ AUDIT_WEBHOOK_URL: 'siem.example.org/hush', AUDIT_WEBHOOK_SECRET: SECRET })).toEqual([
      'AUDIT_WEBHOOK_URL: is not an https URL; write the whole URL of the SIEM endpoint, e.g. https://siem.example.org/ingest',
    ]);
    expect(linesFor({ AUDIT_WEBHOOK_URL: 'https://siem.example.org/in' })).toEqual([
      'AUDIT_WEBHOOK_SECRET: required with AUDIT_WEBHOOK_URL: every batch is signed with it; generate one with `openssl rand -hex 32` and give it to the receiver too',
    ]);
    expect(linesFor({ AUDIT_WEBHOOK_SECRET: SECRET })).toEqual([
      'AUDIT_WEBHOOK_URL: not set, but AUDIT_WEBHOOK_SECRET is; set it to the SIEM endpoint (https://…), or unset AUDIT_WEBHOOK_SECRET to stream nothing',
    ]);
    const short = linesFor({ AUDIT_WEBHOOK_URL: 'https://siem.example.org/in', AUDIT_WEBHOOK_SECRET: 'hush-short' });
    expect(short).toEqual(['AUDIT_WEBHOOK_SECRET: is shorter than 16 characters; generate one with `openssl rand -hex 32` (for splunk-hec: the HEC token)']);
    expect(linesFor({ AUDIT_WEBHOOK_URL: 'https://siem.example.org/in', AUDIT_WEBHOOK_SECRET: SECRET, AUDIT_WEBHOOK_FORMAT: 'csv' })).toEqual([
      'AUDIT_WEBHOOK_FORMAT: "csv" is not one of jsonl, splunk-hec; write one of those',
    ]);
    expect(short.join('\n')).not.toContain('hush');
  });

  it('is off by default', () => {
    const parsed = parseConfig({});
    expect(parsed.ok && [parsed.value.AUDIT_WEBHOOK_URL, parsed.value.AUDIT_WEBHOOK_SECRET, parsed.value.AUDIT_WEBHOOK_FORMAT]).toEqual([undefined, undefined, 'jsonl']);
  });
});
