import { describe, expect, it } from 'vitest';
import { lastLines, redactSecrets } from '../../../src/host/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['password=hunter2 ok', 'password=<redacted> ok'],
    ['db_password: "s3cr3t"', 'db_password: "<redacted>"'],
    ['--token abcdef123', '--token <redacted>'],
    ['PSKsecrets = /etc/stunnel/psk.txt', 'PSKsecrets = <redacted>'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG', 'aws_secret_access_key=<redacted>'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key <redacted> used'],
    ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: <redacted> <redacted>'],
    ['blob QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2 end', 'blob <redacted> end'],
    ['-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\nnext', '<redacted-private-key>\nnext'],
  ])('%s', (input, want) => {
    expect(redactSecrets(input)).toBe(want);
  });

  it('leaves ordinary log lines alone', () => {
    const line =
      '2026-12-03 10:02:13,114 - INFO - Starting TLS tunnel: "/usr/bin/stunnel /var/run/efs/stunnel-config.fs-0123.mnt.efs.20049"';
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets('nfs: server 198.51.100.21 not responding, still trying')).toBe(
      'nfs: server 198.51.100.21 not responding, still trying',
    );
  });

  it('keeps the last lines of a log', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(lastLines('', 2)).toBe('');
  });
});

describe('procfs endpoints', async () => {
  const { parseHexEndpoint } = await import('../../../src/host/procfs.js');
  it.each([
    ['0100007F:0801', '127.0.0.1', 2049],
    ['00000000000000000000000001000000:4E51', '::1', 20049],
    ['B80D0120000000000000000010000000:D431', '2001:db8::10', 54321],
    ['0000000000000000FFFF00000A6433C6:0801', '198.51.100.10', 2049],
  ])('%s', (hex, ip, port) => {
    expect(parseHexEndpoint(hex)).toEqual({ ip, port });
  });
});
