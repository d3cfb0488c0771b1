#!/usr/bin/env bash
# REST API figures (issue 5): a vpngw daemon (gwA, empty state, driven only through its API)
# and a second vpngw (gwB) with TUNNELS mirrored responder tunnels from a file, both with the
# per-gateway tunnel limit raised. bench/api_bench creates a gateway, a customer gateway and
# TUNNELS tunnels with CLIENTS concurrent clients on api.sock, then times GET and list (20 per
# page) requests under the same concurrency once every tunnel is connected.
# Targets: p99 of reads under 10 ms; 1000 tunnels created in under 5 s.
# Root required; uses build/vpngw and build-bench/bench/api_bench (built here, Release).
# Environment: TUNNELS=1000 CLIENTS=50 READS=5000.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CASE=bench-api
source "$ROOT/test/netns/lib.sh"
TUNNELS=${TUNNELS:-1000}
CLIENTS=${CLIENTS:-50}
READS=${READS:-5000}
BUILD=${BUILD_BENCH:-$ROOT/build-bench}
require_root
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVPNGW_BENCH=ON \
  -DVPNGW_TESTS=OFF >/dev/null || die "cmake failed"
ninja -C "$BUILD" api_bench >/dev/null || die "cannot build api_bench"
topo_up

# The peer: TUNNELS responder tunnels mirroring what api_bench creates on gwA.
mkdir -p "$WORK/B/state"
{
  echo "gateways:"
  echo "  - {name: gw-b, public_ip: $WAN_B, vpc_subnets: [10.2.0.0/16]}"
  echo "customer_gateways:"
  echo "  - {name: site-a, ip: $WAN_A}"
  echo "tunnels:"
  for ((i = 0; i < TUNNELS; i++)); do
    l="10.2.$((i / 16)).$(((i % 16) * 16))/28"
    r="10.1.$((i / 16)).$(((i % 16) * 16))/28"
    echo "  - {name: t$i, gateway: gw-b, customer_gateway: site-a, local_subnets: [$l], remote_subnets: [$r], psk: \"bench-psk-0123456789\", initiator: false}"
  done
} >"$WORK/B/vpngw.yaml"
NS_OF[B]=$NS_GB
ip netns exec "$NS_GB" "$VPNGW" serve --config "$WORK/B/vpngw.yaml" --state-dir "$WORK/B/state" \
  --dataplane record --max-tunnels-per-gateway "$TUNNELS" --log-level warn >"$WORK/B/vpngw.log" 2>&1 &
PIDS[B]=$!
mkdir -p "$WORK/A/state"
NS_OF[A]=$NS_GA
ip netns exec "$NS_GA" "$VPNGW" serve --state-dir "$WORK/A/state" --dataplane record \
  --max-tunnels-per-gateway "$TUNNELS" --log-level warn >"$WORK/A/vpngw.log" 2>&1 &
PIDS[A]=$!
wait_for 30 test -S "$WORK/A/state/api.sock" || die "gwA API did not come up"
wait_for 60 vg B status --state-dir "$WORK/B/state" >/dev/null 2>&1 || die "gwB did not come up"
sleep 1
rss_before=$(awk '/VmRSS/{print $2}' "/proc/${PIDS[A]}/status")
echo "REST API: $TUNNELS tunnels, $CLIENTS concurrent clients, $READS reads per kind"
timeout 300 "$BUILD/bench/api_bench" --socket "$WORK/A/state/api.sock" \
  --token "$(cat "$WORK/A/state/operator.token")" --tunnels "$TUNNELS" --clients "$CLIENTS" \
  --reads "$READS" --wait-connected 120 --public-ip "$WAN_A" --peer-ip "$WAN_B" | sed 's/^/  /'
rc=${PIPESTATUS[0]}
rss_after=$(awk '/VmRSS/{print $2}' "/proc/${PIDS[A]}/status")
echo "  daemon_rss $((rss_before / 1024)) -> $((rss_after / 1024)) MB"
[ "$rc" -eq 0 ] || die "api_bench failed (exit $rc)"
pass api-bench
finish
