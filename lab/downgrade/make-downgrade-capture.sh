#!/usr/bin/env bash
# make-downgrade-capture.sh OUTDIR
#
# The incident of issue 15, played for real: an efs-utils-style stunnel tunnel (TLS 1.3) carries an NFSv4 download
# from nfs-ganesha; the tunnel's client stunnel is killed in the middle of the transfer; the client then falls back
# to a direct cleartext connection to the same mount target (192.0.2.21:2049, which from then on answers plain NFS
# as an EFS mount target does on 2049), downloads the file again and uploads a small one. `wireseal collect`, run
# inside the client's network namespace and pointed at the lab (`--host-root` a directory holding the mount table
# and the efs-utils state and stunnel config of the mount, `--proc /proc` for the live processes, sockets and
# interface addresses), records the state after the fact: the tunnel process is gone.
#
# Lab: test/lab/live-lab.sh (namespaces wslive-cli/wslive-srv, real rpcbind + nfs-ganesha, real stunnel pair).
# Both veth ends are slowed to 1 Mbit/s (tc tbf) so the download is still running when the tunnel is killed.
# Client: libnfs-utils (nfs-cp). Capture: tcpdump on the client's outgoing interface (wsl-c), full packets.
#
# Writes OUTDIR/downgrade.pcap, OUTDIR/bundle.tar.gz (the collect output), OUTDIR/README.md. Root only; run it
# under `flock /tmp/wireseal-lab.lock` (it uses the live lab's namespaces). Every process it starts is stopped by PID.
set -Eeuo pipefail
umask 022

[[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "$0: must run as root" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$(realpath -m -- "$1")
STATE=${DGLAB_STATE:-/tmp/wireseal-dglab.state}
LAB=$REPO/test/lab/live-lab.sh
NS_CLI=wslive-cli
NS_SRV=wslive-srv
VETH_CLI=wsl-c
VETH_SRV=wsl-s
NFS4=192.0.2.20
TLS4=192.0.2.21
TUN_PORT=20049
FS_ID=fs-live
FS_DNS=$FS_ID.efs.lab-1.caplab.test
PY=/usr/bin/python3

log() { printf '[downgrade-lab] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
pid_of() { awk -v n="$1" '$2 == n { print $1 }' "$STATE/lab/pids"; }

CAP_PID=
RELAY_PID=
cleanup() {
  [[ -n $CAP_PID ]] && stop_pid "$CAP_PID"
  [[ -n $RELAY_PID ]] && stop_pid "$RELAY_PID"
  [[ -f $STATE/lab/pids ]] && "$LAB" down "$STATE/lab"
  return 0
}
trap cleanup EXIT

for cmd in tcpdump tc nfs-cp stunnel ganesha.nfsd "$PY"; do command -v "$cmd" > /dev/null || die "$cmd not found"; done
rm -rf "$STATE"
mkdir -p "$STATE"/{tmp,host/proc,host/var/run/efs}
"$LAB" up "$STATE/lab"
in_cli() { ip netns exec "$NS_CLI" "$@"; }

# The file downloaded: 256 KiB, about 2 s at 1 Mbit/s.
head -c 262144 /dev/urandom > "$STATE/lab/export/data/report.bin"
mkdir -p "$STATE/lab/export/uploads"
head -c 3000 /dev/urandom > "$STATE/tmp/upload-3k.bin"
tc -n "$NS_CLI" qdisc add dev "$VETH_CLI" root tbf rate 1mbit burst 16kb latency 400ms
tc -n "$NS_SRV" qdisc add dev "$VETH_SRV" root tbf rate 1mbit burst 16kb latency 400ms

ip netns exec "$NS_CLI" tcpdump -i "$VETH_CLI" -s 0 -U -w "$STATE/downgrade.pcap" 'tcp port 2049' \
  < /dev/null > "$STATE/tmp/tcpdump.out" 2>&1 &
CAP_PID=$!
sleep 1

# 1. Through the tunnel (127.0.0.1:20049 -> TLS 1.3 -> 192.0.2.21:2049 -> ganesha), killed mid-transfer.
TUN_CLIENT=$(pid_of stunnel-client)
[[ -n $TUN_CLIENT ]] || die "no stunnel client pid"
in_cli nfs-cp "nfs://127.0.0.1/export/data/report.bin?version=4&nfsport=$TUN_PORT" "$STATE/tmp/via-tunnel.bin" \
  > "$STATE/tmp/tunnel-copy.out" 2>&1 &
COPY_PID=$!
sleep 1.2
kill -KILL "$TUN_CLIENT"
log "killed the stunnel client (pid $TUN_CLIENT) during the download"
wait "$COPY_PID" && die "the download through the tunnel finished: the kill came too late" || true
# libnfs reads the file in one READ and writes it out at the end: the failed READ is the sign it was cut midway.
grep -q 'Failed to read from source file' "$STATE/tmp/tunnel-copy.out" \
  || die "the download through the tunnel did not fail in its READ: $(cat "$STATE/tmp/tunnel-copy.out")"

# 2. Fallback: the mount target answers plain NFS on 2049 (stunnel server stopped, relay to ganesha), and the
#    client reconnects to it directly, in the clear.
stop_pid "$(pid_of stunnel-server)"
ip netns exec "$NS_SRV" "$PY" "$HERE/relay.py" "$TLS4" 2049 "$NFS4" 2049 < /dev/null > "$STATE/tmp/relay.out" 2>&1 &
RELAY_PID=$!
for ((i = 0; i < 50; i++)); do ip netns exec "$NS_SRV" ss -ltnH "sport = :2049" | grep -qF "$TLS4" && break; sleep 0.1; done
sleep 0.5
in_cli nfs-cp "nfs://$TLS4/export/data/report.bin?version=4" "$STATE/tmp/direct.bin" > /dev/null
cmp -s "$STATE/tmp/direct.bin" "$STATE/lab/export/data/report.bin" || die "the direct download differs"
in_cli nfs-cp "$STATE/tmp/upload-3k.bin" "nfs://$TLS4/export/uploads/after-fallback.bin?version=4" > /dev/null
cmp -s "$STATE/tmp/upload-3k.bin" "$STATE/lab/export/uploads/after-fallback.bin" || die "the upload differs"
sleep 1
stop_pid "$CAP_PID"
CAP_PID=

# 3. The host's state after the fact, collected by the real `wireseal collect` inside the client namespace: the
#    mount table (this kernel has no NFS client, so the efs-utils mount line is written as the kernel shows it),
#    efs-utils' tunnel state file (the killed stunnel's pid) and stunnel config, live processes and sockets.
cat > "$STATE/host/proc/mounts" << EOF
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
127.0.0.1:/ /mnt/efs nfs4 rw,relatime,vers=4.0,rsize=1048576,wsize=1048576,namlen=255,hard,noresvport,proto=tcp,port=$TUN_PORT,timeo=600,retrans=2,sec=sys,clientaddr=127.0.0.1,local_lock=none,addr=127.0.0.1 0 0
EOF
STUNNEL_CONF=/var/run/efs/stunnel-config.$FS_ID.mnt.efs.$TUN_PORT
cat > "$STATE/host$STUNNEL_CONF" << EOF
fips = no
foreground = quiet
socket = l:SO_REUSEADDR=yes
socket = a:SO_BINDTODEVICE=lo
pid = /var/run/efs/$FS_ID.mnt.efs.$TUN_PORT+/stunnel.pid
[efs]
client = yes
accept = 127.0.0.1:$TUN_PORT
connect = $TLS4:2049
sslVersion = TLSv1.3
renegotiation = no
TIMEOUTbusy = 20
TIMEOUTclose = 0
TIMEOUTidle = 70
delay = yes
verify = 2
CAfile = /etc/amazon/efs/efs-utils.crt
checkHost = $FS_DNS
libwrap = no
EOF
printf '{"pid": %d, "cmd": ["/usr/bin/stunnel", "%s"], "files": ["%s"], "mount_time": %d.0, "mountpoint": "/mnt/efs"}\n' \
  "$TUN_CLIENT" "$STUNNEL_CONF" "$STUNNEL_CONF" "$(date +%s)" > "$STATE/host/var/run/efs/$FS_ID.mnt.efs.$TUN_PORT"
in_cli node "$REPO/bin/wireseal.js" collect "$STATE/bundle.tar.gz" --host-root "$STATE/host" --proc /proc \
  2> "$STATE/tmp/collect.err" || die "collect failed: $(cat "$STATE/tmp/collect.err")"

mkdir -p "$OUT"
cp "$STATE/downgrade.pcap" "$STATE/bundle.tar.gz" "$OUT/"
cat > "$OUT/README.md" << EOF
# Tunnel killed mid-transfer, then cleartext to the same mount target (issue 15)

Made by lab/downgrade/make-downgrade-capture.sh on $(. /etc/os-release && echo "$PRETTY_NAME") with
nfs-ganesha $(dpkg-query -W -f='${Version}' nfs-ganesha 2>/dev/null || echo '?'),
stunnel4 $(dpkg-query -W -f='${Version}' stunnel4 2>/dev/null || echo '?'),
libnfs-utils $(dpkg-query -W -f='${Version}' libnfs-utils 2>/dev/null || echo '?'),
tcpdump $(dpkg-query -W -f='${Version}' tcpdump 2>/dev/null || echo '?').

- \`downgrade.pcap\`: the client's outgoing interface (192.0.2.10). An NFSv4 download of a 256 KiB file through
  the efs-utils-style stunnel tunnel (TLS 1.3 to $TLS4:2049); the client stunnel is killed (SIGKILL) in the
  middle of it; then the client reaches $TLS4:2049 directly in the clear (the mount target now answers plain NFS,
  relayed to ganesha): the same download (READ 262144 bytes) and a 3000-byte upload (WRITE).
- \`bundle.tar.gz\`: \`wireseal collect\` run inside the client namespace after the fallback
  (\`ip netns exec $NS_CLI wireseal collect bundle.tar.gz --host-root HOSTDIR --proc /proc\`): HOSTDIR holds the
  mount table with the tunneled mount /mnt/efs (127.0.0.1:$TUN_PORT), efs-utils' tunnel state file (with the
  killed stunnel's pid) and its stunnel config; --proc /proc gives the live process list (the tunnel process is
  gone), socket tables and interface addresses of the client namespace.
EOF
log "wrote $OUT/downgrade.pcap ($(stat -c %s "$OUT/downgrade.pcap") bytes) and $OUT/bundle.tar.gz"
