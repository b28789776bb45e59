/**
 * Binding by strength and the findings that depend on it: a flow from another client address never blamed on this
 * host's mount (UNEXPLAINED names the client), DOWNGRADE (TLS ended abruptly, then cleartext, same mount or
 * target) versus MIXED+BYPASS (two mounts), TUNNEL-DOWN from a bundle's process list.
 */
import { describe, expect, it } from 'vitest';
import { judgeMounts, readHostInventory } from '../../../src/host/index.js';
import type { HostInventory, ProcessInfo } from '../../../src/host/types.js';
import type { Finding, FlowResult } from '../../../src/report/schema.js';
import { crossReference } from '../../../src/verify/index.js';
import { matchMount } from '../../../src/verify/mount-flows.js';
import { flow } from './flows.js';

const FIX = 'test/fixtures/host';
const codes = (fs: Finding[]) => fs.map((f) => `${f.code}:${f.mount ?? '-'}`).sort();

async function inventory(fixture: string, edit?: (inv: HostInventory) => void) {
  const inv = await readHostInventory(`${FIX}/${fixture}`);
  edit?.(inv);
  return { inv, mounts: judgeMounts(inv) };
}

function at(f: FlowResult, first: string, last: string, end?: FlowResult['tcpEnd']): FlowResult {
  f.firstSeen = `2026-12-03T10:${first}.000000000Z`;
  f.lastSeen = `2026-12-03T10:${last}.000000000Z`;
  if (end) f.tcpEnd = end;
  return f;
}

const stunnel = (sockets: ProcessInfo['sockets']): ProcessInfo => ({
  pid: 4321,
  comm: 'stunnel',
  cmdline: ['stunnel'],
  sockets,
});
const LISTEN = {
  proto: 'tcp' as const,
  local: { ip: '127.0.0.1', port: 20100 },
  remote: { ip: '0.0.0.0', port: 0 },
  state: 'LISTEN',
  inode: 1,
};

describe('binding by strength', () => {
  it('a direct mount whose clientaddr is another host is not blamed: UNEXPLAINED names the client', async () => {
    // efs-legacy-direct: /data to 10.0.1.23:2049; clientaddr changed to 10.0.1.99 (another host).
    const { inv, mounts } = await inventory('efs-legacy-direct', (i) => {
      i.mounts[0].options.clientaddr = '10.0.1.99';
    });
    const flows = [flow({ id: 3, client: '10.0.1.50:700', server: '10.0.1.23:2049', cls: 'nfs-cleartext' })];
    const fs = crossReference(flows, inv, mounts);
    expect(codes(fs)).toEqual(['PLAINTEXT-BY-CONFIG:/data', 'UNEXPLAINED:-']);
    const u = fs.find((f) => f.code === 'UNEXPLAINED');
    expect(u?.message).toMatch(/^cleartext NFS from client 10\.0\.1\.50 to 10\.0\.1\.23:2049 \(1 flows, /);
    expect(u?.message).toContain("/data reaches that server from 10.0.1.99, so this is another client's traffic");
  });

  it('the same mount with its own clientaddr: BYPASS, bound by client address; by mountstats port when known', async () => {
    const { inv, mounts } = await inventory('efs-legacy-direct', (i) => {
      i.mounts[0].options.clientaddr = '10.0.1.50';
      i.state = {
        mountstats: [
          {
            device: 'x',
            mountPoint: '/data',
            fsType: 'nfs4',
            options: {},
            transports: [{ proto: 'tcp', localPort: 700, src: { file: '/proc/self/mountstats', line: 3 } }],
            src: { file: '/proc/self/mountstats', line: 1 },
          },
        ],
        sockets: [],
      };
    });
    const a = flow({ id: 3, client: '10.0.1.50:700', server: '10.0.1.23:2049', cls: 'nfs-cleartext' });
    const b = flow({ id: 4, client: '10.0.1.50:701', server: '10.0.1.23:2049', cls: 'nfs-cleartext' });
    const mf = matchMount(mounts[0], [a, b], inv);
    expect([mf.binding.get(a), mf.binding.get(b)]).toEqual(['mountstats-port', 'client-address']);
    expect(codes(crossReference([a, b], inv, mounts))).toEqual(['BYPASS:/data']);
  });

  it('interface addresses from the bundle manifest stand in for a missing clientaddr', async () => {
    const { inv, mounts } = await inventory('efs-legacy-direct', (i) => {
      delete i.mounts[0].options.clientaddr;
      i.state = {
        mountstats: [],
        sockets: [],
        manifest: {
          schema: 'wireseal/bundle',
          schemaVersion: '1.0',
          wiresealVersion: '0.1.0',
          collectedAt: '2026-12-03T10:05:00.000Z',
          interfaces: [{ name: 'eth0', address: '10.0.1.60', family: 'IPv4' }],
          sourceRoot: '/',
          procRoot: '/proc',
          files: [],
          unreadable: [],
        },
      };
    });
    const mine = flow({ id: 1, client: '10.0.1.60:800', server: '10.0.1.23:2049', cls: 'nfs-cleartext' });
    const other = flow({ id: 2, client: '10.0.1.61:800', server: '10.0.1.23:2049', cls: 'nfs-cleartext' });
    const fs = crossReference([mine, other], inv, mounts);
    expect(codes(fs)).toEqual(['BYPASS:/data', 'UNEXPLAINED:-']);
    expect(fs.find((f) => f.code === 'BYPASS')?.flows).toEqual(['cap.pcapng#tcp.1']);
    expect(fs.find((f) => f.code === 'UNEXPLAINED')?.flows).toEqual(['cap.pcapng#tcp.2']);
  });
});

describe('DOWNGRADE', () => {
  // stunnel-include: /mnt/nas through generic stunnel 127.0.0.1:20100 -> 10.0.5.10:2049, 10.0.5.11:2049.
  const tls = (end: FlowResult['tcpEnd']) =>
    at(flow({ id: 1, client: '10.0.1.50:40000', server: '10.0.5.10:2049', cls: 'tls' }), '00:02', '02:13', end);
  const clear = () =>
    at(
      flow({ id: 2, client: '10.0.1.50:40001', server: '10.0.5.10:2049', cls: 'nfs-cleartext' }),
      '02:15',
      '04:40',
      'open',
    );

  it('a tunnel target reached over TLS that ended with RST, then in cleartext: DOWNGRADE with both times', async () => {
    const { inv, mounts } = await inventory('stunnel-include');
    const fs = crossReference([tls('rst'), clear()], inv, mounts).filter((f) => f.mount === '/mnt/nas');
    expect(codes(fs)).toEqual(['DOWNGRADE:/mnt/nas']);
    expect(fs[0].severity).toBe('critical');
    expect(fs[0].message).toBe(
      '/mnt/nas: reached over TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 to 10.0.5.10:2049 until 2026-12-03T10:02:13.000000000Z (connection ended abruptly: RST), then in cleartext to 10.0.5.10:2049 from 2026-12-03T10:02:15.000000000Z (1 flows from 10.0.1.50)',
    );
    expect(fs[0].flows).toEqual(['cap.pcapng#tcp.1', 'cap.pcapng#tcp.2']);
  });

  it('a clean TLS 1.2 close (FIN and close_notify) then cleartext is a BYPASS, not a DOWNGRADE', async () => {
    const { inv, mounts } = await inventory('stunnel-include');
    const t = tls('fin');
    if (t.tls) t.tls.records.alert = 2;
    const fs = crossReference([t, clear()], inv, mounts).filter((f) => f.mount === '/mnt/nas');
    expect(codes(fs)).toEqual(['BYPASS:/mnt/nas']);
  });

  it('cleartext before the TLS connection is not a downgrade', async () => {
    const { inv, mounts } = await inventory('stunnel-include');
    const early = at(
      flow({ id: 2, client: '10.0.1.50:40001', server: '10.0.5.10:2049', cls: 'nfs-cleartext' }),
      '00:00',
      '00:01',
      'fin',
    );
    const fs = crossReference([tls('rst'), early], inv, mounts).filter((f) => f.mount === '/mnt/nas');
    expect(codes(fs)).toEqual(['BYPASS:/mnt/nas']);
  });

  it('two mounts of one server, one tunneled and one direct: MIXED and BYPASS, never DOWNGRADE', async () => {
    const { inv, mounts } = await inventory('stunnel-include', (i) => {
      i.mounts.push({
        ...i.mounts[0],
        device: '10.0.5.10:/export',
        server: '10.0.5.10',
        mountPoint: '/mnt/nas-direct',
        options: { vers: '4.1', addr: '10.0.5.10' },
        src: { file: '/proc/mounts', line: 9 },
      });
    });
    const fs = crossReference([tls('rst'), clear()], inv, mounts);
    expect(codes(fs).filter((c) => !c.endsWith('/mnt/nas2') && !c.startsWith('ENCRYPTED-BY'))).toEqual([
      'BYPASS:/mnt/nas-direct',
      'MIXED:/mnt/nas-direct',
    ]);
  });
});

describe('TUNNEL-DOWN from the bundle process list', () => {
  const loop = () => flow({ id: 5, client: '127.0.0.1:900', server: '127.0.0.1:20100', cls: 'tunnel-local' });
  const wire = () => flow({ id: 1, client: '10.0.1.50:40000', server: '10.0.5.10:2049', cls: 'tls' });

  async function down(processes: ProcessInfo[] | undefined): Promise<Finding[]> {
    const { inv, mounts } = await inventory('stunnel-include', (i) => {
      i.state = { mountstats: [], sockets: [], ...(processes ? { processes } : {}) };
    });
    return crossReference([loop(), wire()], inv, mounts).filter(
      (f) => f.code === 'TUNNEL-DOWN' && f.mount === '/mnt/nas',
    );
  }

  it('nothing listens on the loopback port: TUNNEL-DOWN', async () => {
    const fs = await down([]);
    expect(fs.map((f) => f.message)).toEqual([
      '/mnt/nas: no tunnel process listened on 127.0.0.1:20100 at collection (bundle process list)',
    ]);
  });

  it('the tunnel runs but has no connection to its target: TUNNEL-DOWN', async () => {
    const fs = await down([stunnel([LISTEN])]);
    expect(fs.map((f) => f.message)).toEqual([
      '/mnt/nas: its tunnel process stunnel 4321 had no connection to 10.0.5.10:2049, 10.0.5.11:2049 at collection',
    ]);
  });

  it('the tunnel runs with its connection: nothing; no process list at all: nothing is claimed', async () => {
    const conn = {
      proto: 'tcp' as const,
      local: { ip: '10.0.1.50', port: 40000 },
      remote: { ip: '10.0.5.10', port: 2049 },
      state: 'ESTABLISHED',
      inode: 2,
    };
    expect(await down([stunnel([LISTEN, conn])])).toEqual([]);
    expect(await down(undefined)).toEqual([]);
  });
});
