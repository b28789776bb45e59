#!/usr/bin/env bash
# bench/live-rate.sh CAPTURE [RATES...]: the highest rate at which live capture loses nothing, for
# `wireseal verify-encryption -i`, `tcpdump -w /dev/null` and `ndpiReader -i`, on the same path: tcpreplay sends
# CAPTURE from namespace wsrate-tx through a veth pair (IPv6 off, MTU 9000) into namespace wsrate-rx, where the
# tool listens on the veth. RATES are Mbit/s for tcpreplay --mbps ("top" for --topspeed); default 200 ... top.
# Root only; run it inside `flock /tmp/wireseal-lab.lock`. Prints one line per tool and rate:
#   tool rate_requested rate_sent_mbps sent received dropped(kernel+interface)
# A rate is "zero-drop" when the tool saw every packet sent and libpcap counted no drop. Figures for
# docs/performance.md; not part of CI.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CAP=$(realpath "$1"); shift
RATES=("$@"); [[ ${#RATES[@]} -gt 0 ]] || RATES=(200 400 800 1200 1600 2000 top)
TX=wsrate-tx RX=wsrate-rx
OUT=$(mktemp -d /tmp/wsrate.XXXXXX)

down() { ip netns delete "$TX" 2>/dev/null || true; ip netns delete "$RX" 2>/dev/null || true; rm -rf "$OUT"; }
trap down EXIT
down; OUT=$(mktemp -d /tmp/wsrate.XXXXXX)
ip netns add "$TX"; ip netns add "$RX"
ip link add wsr-a netns "$TX" type veth peer name wsr-b netns "$RX"
for ns in "$TX" "$RX"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$TX" link set wsr-a mtu 9000 up
ip -n "$RX" link set wsr-b mtu 9000 up
ip -n "$RX" link set wsr-b promisc on
sleep 1

# Wait until a packet socket is bound to wsr-b in the receiving namespace (the tool listens).
bound() { ip netns exec "$RX" awk 'NR > 1 && $5 != 0 && $6 == 1' /proc/net/packet | wc -l; }
wait_bound() { local n0=$1 i; for ((i = 0; i < 100; i++)); do [[ $(bound) -gt $n0 ]] && return 0; sleep 0.1; done; return 1; }

replay() {  # replay RATE -> "mbps sent"
  local rate=$1 args=(--mbps="$rate")
  [[ $rate == top ]] && args=(--topspeed)
  local log; log=$(ip netns exec "$TX" tcpreplay -i wsr-a "${args[@]}" "$CAP" 2>&1)
  local sent mbps
  sent=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' <<<"$log")
  mbps=$(sed -n 's/^Rated: .*, \([0-9.]*\) Mbps.*/\1/p' <<<"$log")
  echo "${mbps:-?} ${sent:-?}"
}

for rate in "${RATES[@]}"; do
  # tcpdump -w /dev/null
  n0=$(bound)
  ip netns exec "$RX" tcpdump -i wsr-b -w /dev/null -B 32768 > "$OUT/td.out" 2> "$OUT/td.err" & pid=$!
  wait_bound "$n0"; sleep 0.5
  read -r mbps sent < <(replay "$rate"); sleep 1
  kill -INT "$pid"; wait "$pid" || true
  got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$OUT/td.err")
  drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$OUT/td.err")
  echo "tcpdump $rate $mbps $sent $got $drop"

  # ndpiReader -i (its own libpcap capture; prints what it received and dropped)
  n0=$(bound)
  ip netns exec "$RX" ndpiReader -i wsr-b > "$OUT/nd.out" 2>&1 & pid=$!
  wait_bound "$n0"; sleep 0.5
  read -r mbps sent < <(replay "$rate"); sleep 1
  kill -INT "$pid"; wait "$pid" || true
  got=$(sed -n 's/.*of \([0-9]*\) packets total.*/\1/p' "$OUT/nd.out" | head -1)
  ndrop=$(grep -i 'drop' "$OUT/nd.out" | grep -o '[0-9][0-9]*' | head -1 || true)
  cp "$OUT/nd.out" "/tmp/wsrate-ndpi-last.out" 2>/dev/null || true
  echo "ndpiReader $rate $mbps $sent ${got:-?} ${ndrop:-?}"

  # wireseal verify-encryption -i
  n0=$(bound)
  ip netns exec "$RX" node bin/wireseal.js verify-encryption -i wsr-b --duration 600 --format json > "$OUT/ws.json" 2> "$OUT/ws.err" & pid=$!
  wait_bound "$n0"; sleep 0.5
  read -r mbps sent < <(replay "$rate"); sleep 1
  kill -INT "$pid"; wait "$pid" || true
  read -r got drop < <(node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).captures[0];
    console.log(d.packets, (d.kernelDrops ?? 0) + (d.interfaceDrops ?? 0));' "$OUT/ws.json")
  echo "wireseal $rate $mbps $sent $got $drop"
done
