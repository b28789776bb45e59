#!/usr/bin/env bash
# make-krb-captures.sh OUTDIR
#
# Records real RPCSEC_GSS (Kerberos) NFSv4.0 traffic: an MIT KDC with a test realm and nfs-ganesha exporting with
# SecType = krb5, krb5i, krb5p in one network namespace, the lab's own RPCSEC_GSS client (krbclient.py, on
# python3-gssapi) in another. Writes into OUTDIR:
#
#   nfs4-krb5.pcap             file operations with RPCSEC_GSS service none (authentication only)
#   nfs4-krb5i.pcap            file operations with integrity
#   nfs4-krb5p.pcap            file operations with privacy
#   nfs4-krb5p-mixed-sys.pcap  privacy, plus AUTH_SYS file operations on the same connection
#   EXPECTED.tsv               tshark's reading of every RPC call (one row per call)
#   host/                      a client inventory (proc-mounts) with a sec=krb5p and a sec=krb5i mount
#   README.md, SHA256SUMS
#
# In every capture SETCLIENTID, SETCLIENTID_CONFIRM and RENEW use integrity (krb5i), as the Linux client does for
# its lease; the GSS context is set up with RPCSEC_GSS_INIT and torn down with RPCSEC_GSS_DESTROY.
#
# Topology (documentation addresses, RFC 5737; no default route, nothing leaves the machine):
#   krblab-cli  krblab-c 192.0.2.10                 client (krbclient.py), captures
#   krblab-srv  krblab-s 192.0.2.20 nfs.krblab.test  krb5kdc :88, rpcbind :111, ganesha :2049
# Each namespace has its own /etc/hosts (bind-mounted in a private mount namespace); krb5.conf says rdns = false
# and dns_canonicalize_hostname = false, so no name is looked up in DNS.
#
# Root only. One run at a time (flock on /tmp/krblab.lock; callers that share the machine with the other lab wrap
# the whole run in `flock /tmp/wireseal-lab.lock`). Every process started is recorded by PID and stopped by PID,
# the namespaces are deleted on exit, the KDC database and keytabs live in the work directory (KRBLAB_STATE,
# default /tmp/krblab.state), which is removed after a successful run. Re-running replaces only the files listed
# above in OUTDIR.

set -Eeuo pipefail
umask 022

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "$0: must run as root (network namespaces, packet capture)" >&2
  exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(realpath -m -- "$1")
STATE=${KRBLAB_STATE:-/tmp/krblab.state}
LOCK=/tmp/krblab.lock
NS_CLI=krblab-cli
NS_SRV=krblab-srv
VETH_CLI=krblab-c
VETH_SRV=krblab-s
CLI4=192.0.2.10
SRV4=192.0.2.20
SRV_NAME=nfs.krblab.test
REALM=KRBLAB.TEST
USER_PRINC=krblab-user
PY=/usr/bin/python3     # Debian's python3 (python3-gssapi), whatever else PATH holds

CAPTURES=(nfs4-krb5.pcap nfs4-krb5i.pcap nfs4-krb5p.pcap nfs4-krb5p-mixed-sys.pcap)
OUT_NAMES=("${CAPTURES[@]}" EXPECTED.tsv SHA256SUMS README.md host)

T0=$(date +%s%3N)
secs() { local ms=$(( $(date +%s%3N) - T0 )); printf '%d.%01d' $((ms / 1000)) $(((ms % 1000) / 100)); }
log() { printf '[%5ss] %s\n' "$(secs)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for cmd in krb5kdc kdb5_util kadmin.local kinit ganesha.nfsd rpcbind tcpdump tshark ip nsenter unshare; do
  command -v "$cmd" > /dev/null || PATH=$PATH:/usr/sbin:/sbin
  command -v "$cmd" > /dev/null || die "$cmd not found (packages: krb5-kdc krb5-admin-server krb5-user nfs-ganesha nfs-ganesha-vfs rpcbind tcpdump tshark)"
done
"$PY" -c 'import gssapi' 2> /dev/null || die "$PY cannot import gssapi (package python3-gssapi)"

exec 9> "$LOCK"
flock -n 9 || die "another make-krb-captures.sh run holds $LOCK"

PIDFILE=$STATE/pids

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"

# A PID left by an interrupted run is stopped only when its command line still names this lab.
stop_stale() {
  [[ -f $PIDFILE ]] || return 0
  local pid name cmd
  while read -r pid name; do
    [[ $pid =~ ^[0-9]+$ ]] || continue
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null) || continue
    if [[ $cmd == *"$STATE"* || $cmd == *krblab* ]]; then
      log "stopping leftover $name (pid $pid)"
      stop_pid "$pid"
    fi
  done < "$PIDFILE"
  rm -f "$PIDFILE"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -f $PIDFILE ]]; then
    local pid name
    tac "$PIDFILE" | while read -r pid name; do
      [[ $pid =~ ^[0-9]+$ ]] || continue
      if [[ $name == tcpdump* ]]; then stop_pid "$pid" INT; else stop_pid "$pid"; fi
    done
    rm -f "$PIDFILE"
  fi
  delete_netns "$NS_CLI" "$NS_SRV"
  if [[ $rc -ne 0 ]]; then log "failed (exit $rc); logs kept in $STATE/logs"; else rm -rf "$STATE"; fi
  exit "$rc"
}

stop_stale
delete_netns "$NS_CLI" "$NS_SRV"
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$STATE"
mkdir -p "$STATE"/{kdc,conf,logs,export,public,ganesha/recovery,cap,out/host,tmp}
: > "$PIDFILE"

# ---------------------------------------------------------------------------
# Namespaces, hosts files, Kerberos configuration
# ---------------------------------------------------------------------------
log "creating namespaces $NS_CLI and $NS_SRV"
netns_pair "$NS_CLI" "$VETH_CLI" "$NS_SRV" "$VETH_SRV"
ip -n "$NS_CLI" addr add "$CLI4/24" dev "$VETH_CLI"
ip -n "$NS_SRV" addr add "$SRV4/24" dev "$VETH_SRV"

printf '127.0.0.1 localhost\n%s krblab-cli.krblab.test krblab-cli\n%s %s kdc.krblab.test\n' \
  "$CLI4" "$SRV4" "$SRV_NAME" > "$STATE/conf/hosts.cli"
printf '127.0.0.1 localhost\n%s %s kdc.krblab.test krblab-srv\n%s krblab-cli.krblab.test\n' \
  "$SRV4" "$SRV_NAME" "$CLI4" > "$STATE/conf/hosts.srv"

KRB5_CONF=$STATE/conf/krb5.conf
cat > "$KRB5_CONF" << EOF
[libdefaults]
  default_realm = $REALM
  rdns = false
  dns_canonicalize_hostname = false
  dns_lookup_kdc = false
  dns_lookup_realm = false
  udp_preference_limit = 1
[realms]
  $REALM = {
    kdc = $SRV4
    admin_server = $SRV4
  }
[domain_realm]
  .krblab.test = $REALM
  krblab.test = $REALM
EOF
cat > "$STATE/conf/kdc.conf" << EOF
[kdcdefaults]
  kdc_listen = $SRV4:88
  kdc_tcp_listen = $SRV4:88
[realms]
  $REALM = {
    database_name = $STATE/kdc/principal
    key_stash_file = $STATE/kdc/stash
    acl_file = $STATE/kdc/kadm5.acl
    supported_enctypes = aes256-cts-hmac-sha1-96:normal
    max_life = 1h
  }
[logging]
  kdc = FILE:$STATE/logs/kdc.log
EOF
: > "$STATE/kdc/kadm5.acl"
export KRB5_CONFIG=$KRB5_CONF KRB5_KDC_PROFILE=$STATE/conf/kdc.conf
export KRB5CCNAME=FILE:$STATE/kdc/ccache KRB5_KTNAME=FILE:$STATE/kdc/none.keytab

log "creating realm $REALM, principals nfs/$SRV_NAME and $USER_PRINC"
kdb5_util create -s -r "$REALM" -P krblab-master-not-secret > "$STATE/logs/kdb5_util.out" 2>&1
kadmin.local -r "$REALM" -q "addprinc -randkey nfs/$SRV_NAME" > "$STATE/logs/kadmin.out" 2>&1
kadmin.local -r "$REALM" -q "addprinc -randkey $USER_PRINC" >> "$STATE/logs/kadmin.out" 2>&1
kadmin.local -r "$REALM" -q "ktadd -k $STATE/kdc/nfs.keytab nfs/$SRV_NAME" >> "$STATE/logs/kadmin.out" 2>&1
kadmin.local -r "$REALM" -q "ktadd -k $STATE/kdc/user.keytab $USER_PRINC" >> "$STATE/logs/kadmin.out" 2>&1

# ---------------------------------------------------------------------------
# Server namespace: one private mount namespace (own /run and /etc/hosts) held by rpcbind; the KDC and ganesha
# join it.
# ---------------------------------------------------------------------------
chmod 1777 "$STATE/export"
printf 'hello from the krblab public export\n' > "$STATE/public/hello.txt"
cat > "$STATE/conf/ganesha.conf" << EOF
NFS_CORE_PARAM {
  Bind_addr = $SRV4;
  NFS_Port = 2049;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
  Protocols = 4;
}
NFS_KRB5 {
  Active_krb5 = true;
  PrincipalName = nfs;
  KeytabPath = $STATE/kdc/nfs.keytab;
  CCacheDir = $STATE/ganesha;
}
NFSV4 {
  Graceless = true;
  Lease_Lifetime = 20;
  RecoveryRoot = $STATE/ganesha/recovery;
  Allow_Numeric_Owners = true;
}
EXPORT {
  Export_Id = 1;
  Path = $STATE/export;
  Pseudo = /export;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = krb5, krb5i, krb5p;
  Protocols = 4;
  Transports = TCP;
  FSAL { Name = VFS; }
}
EXPORT {
  Export_Id = 2;
  Path = $STATE/public;
  Pseudo = /public;
  Access_Type = RO;
  Squash = No_Root_Squash;
  SecType = sys;
  Protocols = 4;
  Transports = TCP;
  FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
EOF

log "starting rpcbind, krb5kdc and nfs-ganesha in $NS_SRV"
start_bg rpcbind ip netns exec "$NS_SRV" unshare --mount --uts --propagation private -- sh -c \
  "mount -t tmpfs -o mode=755 krblab-run /run && mkdir -p /run/rpcbind /run/ganesha && \
   mount --bind '$STATE/conf/hosts.srv' /etc/hosts && hostname '$SRV_NAME' && exec rpcbind -f" \
  > "$STATE/logs/rpcbind.out" 2>&1
RPCBIND_PID=$BG_PID
wait_for 10 "listening $NS_SRV tcp 111" || die "rpcbind did not start"
start_bg krb5kdc nsenter --mount="/proc/$RPCBIND_PID/ns/mnt" --uts="/proc/$RPCBIND_PID/ns/uts" \
  --net="/run/netns/$NS_SRV" -- krb5kdc -n -r "$REALM" > "$STATE/logs/krb5kdc.out" 2>&1
wait_for 10 "listening $NS_SRV tcp 88" || die "krb5kdc did not start (see $STATE/logs)"
start_bg ganesha env KRB5_KTNAME="FILE:$STATE/kdc/nfs.keytab" \
  nsenter --mount="/proc/$RPCBIND_PID/ns/mnt" --uts="/proc/$RPCBIND_PID/ns/uts" --net="/run/netns/$NS_SRV" -- \
  ganesha.nfsd -F -f "$STATE/conf/ganesha.conf" -L "$STATE/logs/ganesha.log" -p /run/ganesha/ganesha.pid \
  > "$STATE/logs/ganesha.out" 2>&1
wait_for 30 "grep -q 'NFS SERVER INITIALIZED' '$STATE/logs/ganesha.log' 2>/dev/null && listening $NS_SRV tcp 2049" \
  || die "ganesha did not start (see $STATE/logs/ganesha.log)"

# Client: own mount namespace for its hosts file; a TGT from the user's keytab.
in_cli() {
  ip netns exec "$NS_CLI" unshare --mount --propagation private -- sh -c \
    'mount --bind "$0" /etc/hosts && exec "$@"' "$STATE/conf/hosts.cli" "$@"
}
export KRB5CCNAME=FILE:$STATE/kdc/client.ccache
in_cli kinit -k -t "$STATE/kdc/user.keytab" "$USER_PRINC@$REALM" > "$STATE/logs/kinit.out" 2>&1 \
  || die "kinit failed (see $STATE/logs/kinit.out)"
T_READY=$(date +%s%3N)

# ---------------------------------------------------------------------------
# Captures: one TCP connection each, on the client's veth.
# ---------------------------------------------------------------------------
capture() {  # capture FILE SERVICE [--mixed public/hello.txt]
  local file=$1 service=$2; shift 2
  start_bg "tcpdump:$file" ip netns exec "$NS_CLI" tcpdump -i "$VETH_CLI" --immediate-mode -U -n \
    -w "$STATE/cap/$file" 'tcp port 2049' 2> "$STATE/logs/$file.tcpdump.err"
  local cap_pid=$BG_PID
  wait_for 20 "grep -q 'listening on' '$STATE/logs/$file.tcpdump.err'" || die "tcpdump for $file did not start"
  in_cli "$PY" "$HERE/krbclient.py" --server "$SRV4" --principal "nfs@$SRV_NAME" --service "$service" \
    --name "${file%.pcap}.txt" "$@" >> "$STATE/logs/client.out" 2>&1 \
    || { tail -n 1 "$STATE/logs/client.out" >&2; die "$file: client failed"; }
  sleep 0.3
  stop_pid "$cap_pid" INT
  log "$file: $(tail -n 1 "$STATE/logs/client.out")"
}
capture nfs4-krb5.pcap krb5
capture nfs4-krb5i.pcap krb5i
capture nfs4-krb5p.pcap krb5p
capture nfs4-krb5p-mixed-sys.pcap krb5p --mixed public/hello.txt
T_CAPTURED=$(date +%s%3N)

# ---------------------------------------------------------------------------
# Ground truth from tshark, host inventory, README
# ---------------------------------------------------------------------------
O=$STATE/out
for f in "${CAPTURES[@]}"; do cp "$STATE/cap/$f" "$O/$f"; done
# The server's keytab lets tshark decrypt the privacy bodies, so the NFS status of every reply is in the truth.
KRBLAB_KEYTAB=$STATE/kdc/nfs.keytab "$PY" "$HERE/expected.py" "$O" "${CAPTURES[@]}" > "$O/EXPECTED.tsv"
(cd "$O" && sha256sum "${CAPTURES[@]}" > SHA256SUMS)

cat > "$O/host/proc-mounts" << EOF
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
$SRV_NAME:/export /mnt/krb5p nfs4 rw,relatime,vers=4.0,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=krb5p,clientaddr=$CLI4,local_lock=none,addr=$SRV4 0 0
$SRV_NAME:/export /mnt/krb5i nfs4 rw,relatime,vers=4.0,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=krb5i,clientaddr=$CLI4,local_lock=none,addr=$SRV4 0 0
EOF
# Each mount's transport in /proc/self/mountstats (xprt: tcp LOCAL_PORT): the client port of its capture's connection.
client_port() { tshark -r "$O/$1" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e tcp.srcport 2> /dev/null | head -n 1; }
mountstat() { # mount point, sec flavor, capture
  printf 'device %s:/export mounted on %s with fstype nfs4 statvers=1.1\n' "$SRV_NAME" "$1"
  printf '\topts:\trw,vers=4.0,rsize=1048576,wsize=1048576,namlen=255,acregmin=3,acregmax=60,acdirmin=30,acdirmax=60,hard,proto=tcp,timeo=600,retrans=2,sec=%s,clientaddr=%s,local_lock=none\n' "$2" "$CLI4"
  printf '\tcaps:\tcaps=0x3ffdf,wtmult=512,dtsize=32768,bsize=0,namlen=255\n'
  printf '\tsec:\tflavor=6,pseudoflavor=%s\n' "$([ "$2" = krb5p ] && echo 390005 || echo 390004)"
  printf '\tevents:\t0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n'
  printf '\tRPC iostats version: 1.1  p/v: 100003/4 (nfs)\n'
  printf '\txprt:\ttcp %s 1 1 0 0 12 12 0 12 0 2 0 0\n\n' "$(client_port "$3")"
}
mkdir -p "$O/host/proc/self"
{
  mountstat /mnt/krb5p krb5p nfs4-krb5p.pcap
  mountstat /mnt/krb5i krb5i nfs4-krb5i.pcap
} > "$O/host/proc/self/mountstats"
cat > "$O/host/README.md" << EOF
# Client host inventory for the Kerberos captures

\`proc-mounts\`: two NFSv4.0 mounts of $SRV_NAME:/export ($SRV4), one with \`sec=krb5p\` (RPCSEC_GSS privacy:
every NFS call and reply encrypted) and one with \`sec=krb5i\` (integrity only: readable on the wire). This
machine's kernel has no NFS client, so the lines are written in the kernel's /proc/mounts format by the lab
script; the traffic of such mounts is what krbclient.py sends (nfs4-krb5p.pcap, nfs4-krb5i.pcap).
\`proc/self/mountstats\`: the same two mounts as /proc/self/mountstats shows them, each with its transport's local
port (\`xprt: tcp PORT\`), the client port of its capture's connection: wireseal binds each flow to its mount by
that port (both mounts have the same server and client address, so nothing else tells them apart).
EOF
chmod -R u=rwX,go=rX "$O"

cat > "$O/README.md" << EOF
# Kerberos (RPCSEC_GSS) NFS lab captures

Made by lab/kerberos/make-krb-captures.sh on $(. /etc/os-release && echo "$PRETTY_NAME"), with MIT Kerberos
$(dpkg-query -W -f='${Version}' krb5-kdc 2>/dev/null || echo '?') (krb5kdc, realm $REALM, aes256-cts-hmac-sha1-96),
nfs-ganesha $(dpkg-query -W -f='${Version}' nfs-ganesha 2>/dev/null || echo '?') (SecType = krb5, krb5i, krb5p;
keytab for nfs/$SRV_NAME), python3-gssapi $(dpkg-query -W -f='${Version}' python3-gssapi 2>/dev/null || echo '?'),
tcpdump $(dpkg-query -W -f='${Version}' tcpdump 2>/dev/null || echo '?'), tshark $(dpkg-query -W -f='${Version}' tshark 2>/dev/null || echo '?').

Client $CLI4 (krbclient.py, principal $USER_PRINC@$REALM), server $SRV4 ($SRV_NAME). One TCP connection per
capture: RPCSEC_GSS_INIT, SETCLIENTID and SETCLIENTID_CONFIRM (integrity), PUTROOTFH + LOOKUP + OPEN + GETFH
(+ PUTFH + OPEN_CONFIRM), PUTFH + WRITE (3000 bytes, FILE_SYNC), PUTFH + READ, PUTFH + CLOSE, RENEW (integrity),
RPCSEC_GSS_DESTROY. The file operations use the capture's service:

| file | file operations |
| --- | --- |
| nfs4-krb5.pcap | RPCSEC_GSS service none (krb5): arguments and results in the clear |
| nfs4-krb5i.pcap | integrity (krb5i): in the clear, with a checksum |
| nfs4-krb5p.pcap | privacy (krb5p): arguments and results in sealed RFC 4121 wrap tokens |
| nfs4-krb5p-mixed-sys.pcap | privacy, plus one AUTH_SYS COMPOUND (PUTROOTFH, LOOKUP, LOOKUP, READ) of /public on the same connection |

EXPECTED.tsv: one row per RPC call, read back with tshark (columns: file, frame, stream, xid, program, version,
procedure, flavor, gss_proc, gss_service, nfs_ops (the COMPOUND's operations as tshark read them),
body (clear, integ, wrapped, unsealed, none), reply_frame, accept_stat, nfs_status). tshark decrypted
the privacy bodies with the run's service keytab (not kept), so the operations and NFS status of the wrapped
calls are in it too; wireseal never sees a key. host/ is a client inventory with a sec=krb5p and a sec=krb5i mount.
EOF

mkdir -p "$OUT"
for n in "${OUT_NAMES[@]}"; do rm -rf -- "${OUT:?}/$n"; done
cp -r "$O"/. "$OUT"/
printf 'krblab: setup %ss, captures %ss, total %ss\n' "$(( (T_READY - T0) / 1000 ))" \
  "$(( (T_CAPTURED - T_READY) / 1000 ))" "$(secs)" >&2
