#!/usr/bin/env bash
# live-lab.sh up STATE | down STATE
#
# A small NFS lab for the live-capture test, built with the same steps as ../shared/lab/make-captures.sh
# (which has no "set up and leave running" mode): two network namespaces joined by a veth pair, rpcbind and
# nfs-ganesha (VFS) in the server namespace inside a private mount namespace with its own /run, and an
# efs-utils-style stunnel pair (TLS 1.3, TLS_AES_256_GCM_SHA384, verify = 2 with CAfile and checkHost).
# Names and addresses differ from make-captures.sh's (wslive-*, 192.0.2.0/24) so both can run at once.
#
#   wslive-cli  wsl-c 192.0.2.10; lo: stunnel client accepts 127.0.0.1:20049
#   wslive-srv  wsl-s 192.0.2.20 ganesha :2049 (NFSv4 in the clear), 192.0.2.21 stunnel server :2049 (TLS)
#
# `up` starts everything, waits until it listens, records every PID in STATE/pids and returns. `down` stops those
# PIDs (and only those) and deletes the two namespaces. Root only; nothing leaves the machine (no default route).
set -Eeuo pipefail
umask 022

NS_CLI=wslive-cli
NS_SRV=wslive-srv
VETH_CLI=wsl-c
VETH_SRV=wsl-s
CLI4=192.0.2.10
NFS4=192.0.2.20
TLS4=192.0.2.21
TUN_PORT=20049
FS_DNS=fs-live.efs.lab-1.caplab.test

usage() { echo "usage: $0 up|down STATE" >&2; exit 2; }
[[ $# -eq 2 && -n $2 ]] || usage
ACTION=$1
STATE=$(realpath -m -- "$2")
PIDFILE=$STATE/pids

log() { echo "live-lab: $*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=../../lab/lib/netns.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../lab/lib/netns.sh"

# Daemons write to $STATE/logs/NAME.out (stdin closed).
start_logged() {  # start_logged NAME CMD...
  local name=$1
  start_bg "$@" < /dev/null > "$STATE/logs/$name.out" 2>&1
}

down() {
  if [[ -f $PIDFILE ]]; then
    local pid name
    # Newest first: clients before the servers they talk to.
    tac "$PIDFILE" | while read -r pid name; do
      if [[ $pid =~ ^[0-9]+$ ]]; then stop_pid "$pid"; fi
    done
    rm -f "$PIDFILE"
  fi
  delete_netns "$NS_CLI" "$NS_SRV"
}

up() {
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  [[ ! -f $PIDFILE ]] || die "$STATE already holds a running lab (run down first)"
  mkdir -p "$STATE"/{pki,conf,logs,export,ganesha/recovery,run}
  : > "$PIDFILE"
  trap 'rc=$?; if [[ $rc -ne 0 ]]; then echo "live-lab: up failed; logs in $STATE/logs" >&2; down; fi' EXIT

  delete_netns "$NS_CLI" "$NS_SRV"
  netns_pair "$NS_CLI" "$VETH_CLI" "$NS_SRV" "$VETH_SRV"
  ip -n "$NS_CLI" addr add "$CLI4/24" dev "$VETH_CLI"
  ip -n "$NS_SRV" addr add "$NFS4/24" dev "$VETH_SRV"
  ip -n "$NS_SRV" addr add "$TLS4/24" dev "$VETH_SRV"

  local pki=$STATE/pki
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout "$pki/ca.key" -out "$pki/ca.crt" \
    -subj "/CN=wireseal live test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$pki/server.key" -out "$pki/server.csr" \
    -subj "/CN=$FS_DNS" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,IP:%s\n' \
    "$FS_DNS" "$TLS4" > "$pki/server.ext"
  openssl x509 -req -sha256 -days 30 -in "$pki/server.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -CAcreateserial -out "$pki/server.crt" -extfile "$pki/server.ext" 2>/dev/null

  mkdir -p "$STATE/export/data"
  printf 'hello from the wireseal live test\n' > "$STATE/export/hello.txt"
  awk 'BEGIN { for (i = 1; i <= 256; i++) printf "wireseal live payload line %06d ..............................\n", i }' \
    > "$STATE/export/data/blob-16k.txt"

  cat > "$STATE/conf/ganesha.conf" <<EOF
NFS_CORE_PARAM {
  Bind_addr = $NFS4;
  NFS_Port = 2049;
  MNT_Port = 20048;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
  Protocols = 4;
}
NFSV4 {
  Graceless = true;
  Lease_Lifetime = 10;
  RecoveryRoot = $STATE/ganesha/recovery;
}
EXPORT {
  Export_Id = 1;
  Path = $STATE/export;
  Pseudo = /export;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  Protocols = 4;
  Transports = TCP;
  FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
EOF
  start_logged rpcbind ip netns exec "$NS_SRV" unshare --mount --propagation private -- \
    sh -c 'mount -t tmpfs -o mode=755 wslive-run /run && mkdir -p /run/rpcbind /run/ganesha && exec rpcbind -f'
  local rpcbind_pid=$BG_PID
  wait_for 10 "listening $NS_SRV tcp 111 0.0.0.0" || die "rpcbind did not start"
  start_logged ganesha nsenter --mount="/proc/$rpcbind_pid/ns/mnt" --net="/run/netns/$NS_SRV" -- \
    ganesha.nfsd -F -f "$STATE/conf/ganesha.conf" -L "$STATE/logs/ganesha.log" -p /run/ganesha/ganesha.pid
  wait_for 30 "grep -q 'NFS SERVER INITIALIZED' '$STATE/logs/ganesha.log' 2>/dev/null && listening $NS_SRV tcp 2049 $NFS4" \
    || die "ganesha did not start"

  cat > "$STATE/conf/stunnel-server.conf" <<EOF
foreground = yes
pid = $STATE/run/stunnel-server.pid
[nfs-tls]
accept = $TLS4:2049
connect = $NFS4:2049
cert = $pki/server.crt
key = $pki/server.key
sslVersion = TLSv1.3
ciphersuites = TLS_AES_256_GCM_SHA384
EOF
  cat > "$STATE/conf/stunnel-client.conf" <<EOF
fips = no
foreground = yes
socket = l:SO_REUSEADDR=yes
pid = $STATE/run/stunnel-client.pid
[efs]
client = yes
accept = 127.0.0.1:$TUN_PORT
connect = $TLS4:2049
sslVersion = TLSv1.3
renegotiation = no
verify = 2
CAfile = $pki/ca.crt
checkHost = $FS_DNS
libwrap = no
EOF
  start_logged stunnel-server ip netns exec "$NS_SRV" stunnel "$STATE/conf/stunnel-server.conf"
  start_logged stunnel-client ip netns exec "$NS_CLI" stunnel "$STATE/conf/stunnel-client.conf"
  wait_for 10 "listening $NS_SRV tcp 2049 $TLS4" || die "stunnel server not listening"
  wait_for 10 "listening $NS_CLI tcp $TUN_PORT 127.0.0.1" || die "stunnel client not listening"
  trap - EXIT
}

case $ACTION in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
