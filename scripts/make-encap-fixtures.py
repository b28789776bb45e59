#!/usr/bin/env python3
"""Regenerate test/fixtures/encap-conversations.json from tshark 4.0 for the captures in captures/public/encap/:
the INNER TCP and UDP conversations (the transport header after the innermost IP header: endpoints, frames, frame
bytes), the frames crossing each tunnel layer (one count per layer crossed, wireseal's layer names), and the
innermost IP protocol of every tunnelled frame. make-conv-fixtures.py reads the outermost headers; this is its
sibling for encapsulations. Tunnel-carrier UDP (VXLAN, GENEVE, GRE-in-UDP, Teredo) is not an inner conversation.
Teredo off port 3544 needs tshark's heuristic (-o teredo.heuristic_teredo:TRUE), given for every file."""
import json, os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
folder = os.path.join(root, 'captures', 'public', 'encap')
TUNNELS = {'vxlan', 'geneve', 'gre', 'erspan', 'teredo', 'gtp', 'mpls', 'pppoes'}
fields = ['frame.number', 'frame.protocols', 'frame.len', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.stream',
          'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport']

def layer_names(tokens):
    names = []
    for i, t in enumerate(tokens):
        prev = tokens[i - 1] if i else ''
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ''
        if t == 'gre':
            if nxt == 'erspan':
                continue
            names.append('gre-in-udp' if prev == 'udp' else 'gre')
        elif t in ('vxlan', 'geneve', 'erspan', 'teredo', 'mpls'):
            names.append(t)
    return names

out = {}
for f in sorted(os.listdir(folder)):
    if not f.endswith('.pcap'):
        continue
    path = os.path.join(folder, f)
    cmd = ['tshark', '-n', '-o', 'teredo.heuristic_teredo:TRUE', '-r', path, '-T', 'fields', '-E', 'separator=\t',
           '-E', 'occurrence=a', '-E', 'aggregator=,']
    for x in fields:
        cmd += ['-e', x]
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    convs, layers, inner = {}, {}, {}
    for line in r.stdout.splitlines():
        v = line.split('\t')
        fr, protos, flen, s4, d4, s6, d6, ts, tsp, tdp, usp, udp_ = v
        tokens = protos.split(':')
        names = layer_names(tokens)
        if not names:
            continue
        for n in names:
            layers[n] = layers.get(n, 0) + 1
        # The innermost IP header after the last tunnel, and before any ICMP error that quotes another one.
        cut = next((i for i, t in enumerate(tokens) if t in ('icmp', 'icmpv6')), len(tokens))
        last_tunnel = max(i for i, t in enumerate(tokens) if t in TUNNELS)
        nets = [i for i, t in enumerate(tokens[:cut]) if t in ('ip', 'ipv6') and i > last_tunnel]
        if not nets:
            continue
        last = nets[-1]
        after = tokens[last + 1] if last + 1 < len(tokens) else ''
        if after in ('tcp', 'udp', 'icmp', 'icmpv6'):
            inner[after] = inner.get(after, 0) + 1
        if after not in ('tcp', 'udp') or any(t in TUNNELS for t in tokens[last + 1:]):
            continue
        if 'icmp' in tokens or 'icmpv6' in tokens:
            continue
        v6 = tokens[last] == 'ipv6'
        src = (s6 if v6 else s4).split(',')[-1]
        dst = (d6 if v6 else d4).split(',')[-1]
        if v6:
            src, dst = f'[{src}]', f'[{dst}]'
        if after == 'tcp':
            sp, dp = tsp.split(',')[-1], tdp.split(',')[-1]
            key = ('tcp', ts.split(',')[-1])
        else:
            sp, dp = usp.split(',')[-1], udp_.split(',')[-1]
            key = ('udp', tuple(sorted([(src, sp), (dst, dp)])))
        if key not in convs:
            convs[key] = {'l4': after, 'a': f'{src}:{sp}', 'b': f'{dst}:{dp}', 'packets': 0, 'bytes': 0,
                          'firstFrame': int(fr)}
        convs[key]['packets'] += 1
        convs[key]['bytes'] += int(flen)
    out[f'captures/public/encap/{f}'] = {
        'conversations': sorted(convs.values(), key=lambda c: (c['l4'], c['firstFrame'])),
        'layers': layers,
        'innerByProtocol': inner,
    }
dest = os.path.join(root, 'test', 'fixtures', 'encap-conversations.json')
json.dump(out, open(dest, 'w'), indent=1, sort_keys=True)
print(f'{len(out)} captures', file=sys.stderr)
