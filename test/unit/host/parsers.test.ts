import { describe, expect, it } from 'vitest';
import { parseMountMapV4, parsePidFile } from '../../../src/host/aznfs.js';
import { encodeMountPoint, parseEfsStateJson, parseEfsStem, tunnelCommand } from '../../../src/host/efs-utils.js';
import { iniValue, parseIni } from '../../../src/host/ini.js';
import { decodeOctal, parseMountTable, splitDevice } from '../../../src/host/mount-table.js';
import { findServiceByAccept, opt, optAll, parseStunnel, splitHostPort } from '../../../src/host/stunnel.js';
import { judgeStunnelService } from '../../../src/host/stunnel-verdict.js';

describe('mount table', () => {
  it('keeps nfs/nfs4 lines, decodes octal escapes and options', () => {
    const text = [
      'proc /proc proc rw 0 0',
      '127.0.0.1:/ /mnt/a\\040b\\011c nfs4 rw,vers=4.1,port=20187,sec=sys,xprtsec=tls,addr=127.0.0.1 0 0',
      '[2001:db8::5]:/export /v6 nfs rw,vers=3,addr=2001:db8::5 0 0',
      'garbage',
    ].join('\n');
    const m = parseMountTable(text, '/proc/mounts');
    expect(m).toHaveLength(2);
    expect(m[0].mountPoint).toBe('/mnt/a b\tc');
    expect(m[0].options).toMatchObject({ rw: true, vers: '4.1', port: '20187', xprtsec: 'tls', addr: '127.0.0.1' });
    expect(m[0].src).toEqual({ file: '/proc/mounts', line: 2 });
    expect(m[1]).toMatchObject({ server: '2001:db8::5', export: '/export', fsType: 'nfs' });
    expect(decodeOctal('a\\134b')).toBe('a\\b');
    expect(splitDevice('host:/x:y')).toEqual({ server: 'host', export: '/x:y' });
  });
});

describe('efs-utils names and state', () => {
  it('encodes mount points and parses stems', () => {
    expect(encodeMountPoint('/mnt/efs')).toBe('mnt.efs');
    expect(encodeMountPoint('mnt/my efs')).toBe('mnt.my efs');
    expect(parseEfsStem('fs-0123456789abcdef0.mnt.efs.20187')).toEqual({
      fsId: 'fs-0123456789abcdef0',
      encodedMountPoint: 'mnt.efs',
      port: 20187,
      inProgress: false,
    });
    expect(parseEfsStem('~fs-1.data.20050')?.inProgress).toBe(true);
    expect(parseEfsStem('fs-1.data.20050+')).toBeNull();
    expect(parseEfsStem('stunnel-config.fs-1.data.20050')).toBeNull();
    expect(parseEfsStem('fs-1.data.port')).toBeNull();
  });

  it('reads state JSON and the tunnel command behind nsenter', () => {
    const s = parseEfsStateJson(
      '{"pid": -1, "cmd": ["nsenter", "--net=/proc/1/ns/net", "/usr/bin/efs-proxy", "c", "--tls"], "files": [], "mountpoint": "/x"}',
    );
    expect(typeof s).toBe('object');
    if (typeof s === 'string') return;
    expect(s.pid).toBe(-1);
    expect(tunnelCommand(s.cmd)).toEqual({ program: 'efs-proxy', name: 'efs-proxy', args: ['c', '--tls'] });
    expect(tunnelCommand(['/usr/bin/stunnel5', 'x']).program).toBe('stunnel');
    expect(parseEfsStateJson('{"pid": ')).toBe('not valid JSON');
    expect(parseEfsStateJson('[1]')).toBe('not a JSON object');
  });
});

describe('AZNFS map', () => {
  it('parses mountmapv4 lines and pid files', () => {
    const [e] = parseMountMapV4('10.0.2.15;/c.conf;/l.log;/p.pid;2718281828;mounted;1741947510\nbad line\n', '/map');
    expect(e).toMatchObject({
      ip: '10.0.2.15',
      conf: '/c.conf',
      pidFile: '/p.pid',
      status: 'mounted',
      src: { file: '/map', line: 1 },
    });
    expect(parsePidFile('2231\n')).toBe(2231);
    expect(parsePidFile('x')).toBeUndefined();
  });
});

describe('stunnel syntax', () => {
  it('folds globals into services, keys are case-insensitive, comments and BOM skipped', async () => {
    const text =
      '\ufeff; comment\n# comment\nCAfile = /ca.pem\nVERIFY = 2\ncheckHost = a.example\npid = /run/s.pid\n\n[svc]\nclient = yes\naccept = 20100\nconnect = 10.0.0.1:2049\nconnect = 10.0.0.2:2049\ncheckHost = b.example\n[other]\nclient = yes\nverify = 0\n';
    const { config, warnings } = await parseStunnel(text, '/s.conf', 'generic');
    expect(warnings).toEqual([]);
    expect(config.services.map((s) => s.name)).toEqual(['svc', 'other']);
    const svc = config.services[0].options;
    expect(opt(svc, 'cafile')?.value).toBe('/ca.pem');
    expect(opt(svc, 'CAFile')?.src).toEqual({ file: '/s.conf', line: 3 });
    expect(optAll(svc, 'connect').map((c) => c.value)).toEqual(['10.0.0.1:2049', '10.0.0.2:2049']);
    expect(optAll(svc, 'checkhost').map((c) => c.value)).toEqual(['a.example', 'b.example']);
    expect(opt(svc, 'pid')).toBeUndefined();
    expect(opt(config.services[1].options, 'verify')?.value).toBe('0');
    expect(findServiceByAccept([config], 20100)?.service.name).toBe('svc');
    expect(judgeStunnelService(config.services[0]).verdict).toBe('tls-verified');
    expect(judgeStunnelService(config.services[1]).verdict).toBe('tls-unverified');
  });

  it('splices included directories in place and reports a loop', async () => {
    const files: Record<string, { file: string; text: string }[]> = {
      '/d': [{ file: '/d/a.conf', text: '[a]\nclient = yes\ninclude = /d\n' }],
    };
    const { config, warnings } = await parseStunnel(
      'verifyChain = yes\ninclude = /d\n',
      '/main.conf',
      'generic',
      async (dir) => files[dir] ?? 'not a directory',
    );
    expect(config.services.map((s) => s.name)).toEqual(['a']);
    expect(opt(config.services[0].options, 'verifychain')?.src).toEqual({ file: '/main.conf', line: 1 });
    expect(warnings).toEqual(['/d/a.conf:3: include loop through /d/a.conf; skipped']);
  });

  it('judges client, NULL ciphers, verify levels and pinning', async () => {
    const judge = async (body: string) => {
      const { config } = await parseStunnel(`[s]\n${body}`, '/x', 'generic');
      return judgeStunnelService(config.services[0]);
    };
    expect((await judge('accept = 1\nconnect = h:2049')).verdict).toBe('tunnel-plaintext');
    expect((await judge('client = yes\nciphers = eNULL:HIGH\nverify = 2\nCAfile = /c\ncheckHost = h')).verdict).toBe(
      'tunnel-plaintext',
    );
    expect(
      (await judge('client = yes\nciphers = HIGH:!aNULL:!eNULL\nverify = 2\nCAfile = /c\ncheckHost = h')).verdict,
    ).toBe('tls-verified');
    expect((await judge('client = yes\nciphers = aNULL\nverify = 2\nCAfile = /c\ncheckHost = h')).reason).toContain(
      'anonymous',
    );
    expect((await judge('client = yes')).reason).toContain('no verify, verifyChain or verifyPeer');
    expect((await judge('client = yes\nverify = 1\nCAfile = /c')).reason).toContain('verify = 1');
    expect((await judge('client = yes\nverify = 2\ncheckHost = h')).reason).toContain('no CAfile');
    expect((await judge('client = yes\nverify = 4\nCAfile = /leaf.pem')).verdict).toBe('tls-verified');
    expect((await judge('client = yes\nverifyPeer = yes\nCAfile = /leaf.pem')).reason).toContain('pinned');
  });

  it('splits host:port forms', () => {
    expect(splitHostPort('127.0.0.1:20049', 'x')).toEqual({ host: '127.0.0.1', port: 20049 });
    expect(splitHostPort('20049', '0.0.0.0')).toEqual({ host: '0.0.0.0', port: 20049 });
    expect(splitHostPort(':::20049', 'x')).toEqual({ host: '::', port: 20049 });
    expect(splitHostPort('[2001:db8::21]:2049', 'x')).toEqual({ host: '2001:db8::21', port: 2049 });
    expect(splitHostPort('h:notaport', 'x')).toBeNull();
  });
});

describe('ini / tlshd key-file', () => {
  it('reads sections and keys with lines', () => {
    const ini = parseIni('# c\n[authenticate.client]\nx509.truststore=/ca.pem\n', '/etc/tlshd.conf');
    expect(iniValue(ini, 'authenticate.client', 'x509.truststore')).toEqual({
      value: '/ca.pem',
      src: { file: '/etc/tlshd.conf', line: 3 },
    });
  });
});
