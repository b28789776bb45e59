#!/usr/bin/env python3
"""Write test/fixtures/tunnels/{esp,wireguard}.pcap from the message formats (RFC 4303 ESP, also in UDP 4500 per
RFC 3948 with a NAT keepalive; WireGuard handshake initiation/response and transport data), then check each with
tshark that it decodes as ESP / WireGuard. The encrypted parts are pseudo-random bytes (fixed seed)."""
import os, random, struct, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, 'test', 'fixtures', 'tunnels')
rnd = random.Random(13)

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ipv4(src, dst, proto, payload, ident):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def udp(sport, dport, payload):
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload

def eth(payload):
    return b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01' + b'\x08\x00' + payload

def pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000 + i, 1000 * i, len(fr), len(fr)))
            f.write(fr)

A, B = [198, 51, 100, 10], [198, 51, 100, 21]
def esp(spi, seq, n):
    return struct.pack('!II', spi, seq) + bytes(rnd.getrandbits(8) for _ in range(n))

frames, ident = [], 1
for seq in range(1, 7):
    frames.append(eth(ipv4(A, B, 50, esp(0x0000c001, seq, 96), ident))); ident += 1
    frames.append(eth(ipv4(B, A, 50, esp(0x0000c002, seq, 112), ident))); ident += 1
frames.append(eth(ipv4(A, B, 17, udp(4500, 4500, b'\xff'), ident))); ident += 1
for seq in range(1, 4):
    frames.append(eth(ipv4(A, B, 17, udp(4500, 4500, esp(0x0000d001, seq, 80)), ident))); ident += 1
pcap(os.path.join(out, 'esp.pcap'), frames)

def wg(t, body_len, idx_a, idx_b=None):
    b = bytes([t, 0, 0, 0]) + struct.pack('<I', idx_a)
    if idx_b is not None:
        b += struct.pack('<I', idx_b)
    return b + bytes(rnd.getrandbits(8) for _ in range(body_len - len(b)))

frames, ident = [], 1
frames.append(eth(ipv4(A, B, 17, udp(40000, 51820, wg(1, 148, 0x11111111)), ident))); ident += 1
frames.append(eth(ipv4(B, A, 17, udp(51820, 40000, wg(2, 92, 0x22222222, 0x11111111)), ident))); ident += 1
for i in range(8):
    d = struct.pack('<Q', i)
    frames.append(eth(ipv4(A, B, 17, udp(40000, 51820, bytes([4, 0, 0, 0]) + struct.pack('<I', 0x22222222) + d + bytes(rnd.getrandbits(8) for _ in range(16 * (3 + i)))), ident))); ident += 1
    frames.append(eth(ipv4(B, A, 17, udp(51820, 40000, bytes([4, 0, 0, 0]) + struct.pack('<I', 0x11111111) + d + bytes(rnd.getrandbits(8) for _ in range(16 * (5 + i)))), ident))); ident += 1
pcap(os.path.join(out, 'wireguard.pcap'), frames)

for f, proto in (('esp.pcap', 'esp'), ('wireguard.pcap', 'wg')):
    r = subprocess.run(['tshark', '-n', '-r', os.path.join(out, f), '-T', 'fields', '-e', 'frame.protocols'],
                       capture_output=True, text=True, check=True)
    lines = r.stdout.split()
    bad = [l for l in lines if proto not in l.split(':')]
    # The one NAT-T keepalive is not ESP to tshark either (esp only decodes it as a keepalive in udpencap).
    print(f'{f}: {len(lines)} frames, {len(lines) - len(bad)} decoded as {proto} by tshark; others: {sorted(set(bad))}',
          file=sys.stderr)
