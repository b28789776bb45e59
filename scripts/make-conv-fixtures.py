#!/usr/bin/env python3
"""Regenerate test/fixtures/conversations.json: tshark's TCP and UDP conversations (per tcp.stream / udp.stream:
endpoints, frames, frame bytes) and capinfos' packet count for every capture under captures/.
Run on a machine with tshark (Debian package); the tests read the committed JSON and never need tshark."""
import json, os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
caps = []
for d, _, files in os.walk(os.path.join(root, 'captures')):
    if os.sep + 'encap' in d:
        continue  # inner conversations: make-encap-fixtures.py
    for f in files:
        if f.endswith(('.pcap', '.pcapng', '.cap', '.pcap.gz')):
            caps.append(os.path.relpath(os.path.join(d, f), root))
caps.sort()
fields = ['frame.number', 'tcp.stream', 'udp.stream', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst',
          'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'frame.len', '_ws.col.Protocol']
def number_udp(convs):
    # UDP conversations are numbered in order of first frame, as wireseal numbers its flows.
    udp = sorted((v for v in convs.values() if v['l4'] == 'udp'), key=lambda x: x['firstFrame'])
    for i, v in enumerate(udp):
        v['stream'] = i
    return sorted(convs.values(), key=lambda x: (x['l4'], x['stream']))

out = {}
for c in caps:
    path = os.path.join(root, c)
    info = subprocess.run(['capinfos', '-T', '-c', '-r', path], capture_output=True, text=True)
    packets = None
    lines = [l for l in info.stdout.splitlines() if l.strip()]
    if info.returncode == 0 and lines:
        packets = int(lines[-1].split('\t')[1])
    cmd = ['tshark', '-n', '-r', path, '-Y', '(tcp or udp) and not icmp and not icmpv6', '-T', 'fields',
           '-E', 'separator=\t', '-E', 'occurrence=f']
    for f in fields:
        cmd += ['-e', f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    convs = {}
    for line in r.stdout.splitlines():
        v = line.split('\t')
        if len(v) < len(fields):
            continue
        fr, ts, us, s4, s6, d4, d6, tsp, tdp, usp, udp_, flen, _ = v
        if ts:
            key, l4, sp, dp = ('tcp', int(ts)), 'tcp', tsp, tdp
        elif us:
            # UDP: tshark's conversation table groups by address/port pairs (udp.stream can merge RPC exchanges)
            src0, dst0 = s4 or s6, d4 or d6
            ends = tuple(sorted([(src0, usp), (dst0, udp_)]))
            key, l4, sp, dp = ('udp', ends), 'udp', usp, udp_
        else:
            continue
        src = s4 or (f'[{s6}]' if s6 else '')
        dst = d4 or (f'[{d6}]' if d6 else '')
        if key not in convs:
            convs[key] = {'l4': l4, 'stream': key[1], 'a': f'{src}:{sp}', 'b': f'{dst}:{dp}', 'packets': 0, 'bytes': 0,
                          'firstFrame': int(fr)}
        cv = convs[key]
        cv['packets'] += 1
        cv['bytes'] += int(flen)
    errs = [l for l in r.stderr.splitlines() if l.strip() and 'Running as user' not in l]
    out[c] = {'capinfosPackets': packets, 'tsharkError': errs[-1] if errs else None,
              'conversations': number_udp(convs)}
json.dump(out, open(os.path.join(root, 'test', 'fixtures', 'conversations.json'), 'w'), indent=1, sort_keys=True)
print(f'{len(out)} captures', file=sys.stderr)
