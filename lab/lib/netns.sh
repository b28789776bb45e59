# lab/lib/netns.sh: shell functions the labs share (sourced, never run). Callers set `set -Eeuo pipefail` and define
# log() before sourcing. PIDFILE (optional) is the caller's record of "PID NAME" lines of what it started.
#
#   wait_for SECONDS CONDITION...         poll a shell condition every 0.1 s; 1 when it never held
#   listening NS tcp|udp PORT [ADDR]      a socket listens on PORT (bound to ADDR when given) in namespace NS
#   start_bg NAME CMD...                  CMD in the background, no descriptor above 2; PID in BG_PID and PIDFILE
#   stop_pid PID [SIGNAL] [WAIT_TENTHS]   SIGNAL (TERM), up to WAIT_TENTHS/10 s (10 s), then KILL; out of PIDFILE
#   netns_pair NS_A VETH_A NS_B VETH_B    two fresh namespaces joined by a veth pair, all links up
#   delete_netns NS...                    stop what is left inside (by PID) and delete the namespaces

wait_for() {
  local secs=$1 i
  shift
  for ((i = 0; i < secs * 10; i++)); do
    if eval "$*"; then return 0; fi
    sleep 0.1
  done
  return 1
}

listening() {
  local flag=-ltnH
  [[ $2 == udp ]] && flag=-lunH
  ip netns exec "$1" ss $flag "sport = :$3" 2> /dev/null | grep -qF -- "${4:-:$3}"
}

# CMD must be a program (it is exec'd, so BG_PID is its PID). It keeps no descriptor above 2, so no lock held by
# the caller (a script's own flock, or `flock /tmp/wireseal-lab.lock` around the whole run) stays held by a daemon.
start_bg() {
  local name=$1
  shift
  (
    # (no redirection on this loop: bash would park stderr on a descriptor the loop then closes)
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if [[ $fd -gt 2 ]]; then eval "exec $fd>&-"; fi
    done
    exec "$@"
  ) &
  BG_PID=$!
  if [[ -n ${PIDFILE:-} ]]; then echo "$BG_PID $name" >> "$PIDFILE"; fi
}

stop_pid() {
  local pid=$1 sig=${2:-TERM} tenths=${3:-100} i
  kill -0 "$pid" 2> /dev/null || return 0
  kill "-$sig" "$pid" 2> /dev/null || true
  for ((i = 0; i < tenths; i++)); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2> /dev/null; then kill -KILL "$pid" 2> /dev/null || true; fi
  wait "$pid" 2> /dev/null || true
  if [[ -n ${PIDFILE:-} && -f $PIDFILE ]]; then sed -i "/^$pid /d" "$PIDFILE"; fi
  return 0
}

netns_pair() {
  local ns_a=$1 veth_a=$2 ns_b=$3 veth_b=$4 ns
  ip netns add "$ns_a"
  ip netns add "$ns_b"
  ip link add "$veth_a" type veth peer name "$veth_b"
  ip link set "$veth_a" netns "$ns_a"
  ip link set "$veth_b" netns "$ns_b"
  for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
  ip -n "$ns_a" link set "$veth_a" up
  ip -n "$ns_b" link set "$veth_b" up
}

delete_netns() {
  local ns pid
  for ns in "$@"; do
    if ip netns list | awk '{print $1}' | grep -qx -- "$ns"; then
      for pid in $(ip netns pids "$ns" 2> /dev/null); do
        log "stopping $(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | cut -c1-60) (pid $pid) left in $ns"
        stop_pid "$pid"
      done
      ip netns delete "$ns"
    fi
  done
}
