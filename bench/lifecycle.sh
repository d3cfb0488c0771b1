#!/usr/bin/env bash
# Day-2 figures against strongSwan 5.9.8 (kernel-libipsec) in network namespaces:
#   rekey under load  vpngw (gwA) with a 20 s CHILD SA lifetime (rekey about every 18 s) and
#                     strongSwan rekeying the IKE SA every 25 s, during DURATION seconds of
#                     iperf3 TCP (1 s intervals) and a 10 ms ping: lost pings per rekey, and the
#                     throughput dip (slowest 1 s interval against the median interval)
#   dead peer         strongSwan killed with SIGKILL: time until vpngw declares it dead (DPD
#                     delay 8 s, timeout 13 s), then time from strongSwan's restart to the
#                     first echo reply through the tunnel; ROUNDS rounds
# Root required; uses build/vpngw (or $VPNGW). Environment: DURATION=60 ROUNDS=3.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CASE=bench-lifecycle
source "$ROOT/test/netns/lib.sh"
DURATION=${DURATION:-60}
ROUNDS=${ROUNDS:-3}
require_root
topo_up

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- rekey under load -------------------------------------------------------------------------
charon_start gB "$NS_GB"
swan_conf gB side=b rekey_time=25s
swan_load gB
vpngw_conf A side=a esp_lifetime=20
vpngw_start A "$NS_GA" --min-lifetime 10
vg_wait_status A t1 connected 20 >/dev/null || die "tunnel did not come up"
wait_for 10 ip netns exec "$NS_HA" ping -c 1 -W 1 -q "$HOST_B" >/dev/null 2>&1 || die "no traffic"
rekeys0=$(vg_field A t1 .rekeys)
ip netns exec "$NS_HB" timeout $((DURATION + 30)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
PIDS[iperf3s]=$!
sleep 0.5
ip netns exec "$NS_HA" timeout $((DURATION + 30)) iperf3 -c "$HOST_B" -p 5201 -t "$DURATION" -i 1 -J \
  >"$WORK/iperf.json" 2>/dev/null &
PIDS[iperf3c]=$!
count=$((DURATION * 100))
ip netns exec "$NS_HA" timeout $((DURATION + 30)) ping -n -q -i 0.01 -W 1 -c "$count" "$HOST_B" \
  >"$WORK/ping.out" 2>&1
wait "${PIDS[iperf3c]}" 2>/dev/null
rekeys=$(($(vg_field A t1 .rekeys) - rekeys0))
rx=$(sed -n 's/^[0-9]* packets transmitted, \([0-9]*\) received.*/\1/p' "$WORK/ping.out")
lost=$((count - ${rx:-0}))
read -r med low <<<"$(jq -r '[.intervals[].sum.bits_per_second / 1e6] | sort | "\(.[length/2|floor]|floor) \(.[0]|floor)"' "$WORK/iperf.json")"
echo "rekey under load (${DURATION} s, iperf3 TCP + ping every 10 ms):"
echo "  rekeys (CHILD by vpngw, IKE by strongSwan): $rekeys"
echo "  pings lost: $lost of $count ($(awk -v l="$lost" -v r="$rekeys" 'BEGIN{printf "%.2f", r ? l / r : l}') per rekey; target 0)"
echo "  throughput: median 1 s interval $med Mbit/s, slowest $low Mbit/s (dip $(awk -v m="$med" -v l="$low" 'BEGIN{printf "%.0f", m ? 100 * (m - l) / m : 0}')%)"
vpngw_stop A
swan_reset gB

# --- dead peer --------------------------------------------------------------------------------
vpngw_conf D side=a
vpngw_start D "$NS_GA"
vg_wait_status D t1 connected 20 >/dev/null || die "tunnel did not come up"
echo "dead peer (dpd delay 8 s, timeout 13 s, action restart), $ROUNDS rounds:"
for ((r = 1; r <= ROUNDS; r++)); do
  wait_for 20 ip netns exec "$NS_HA" ping -c 1 -W 1 -q "$HOST_B" >/dev/null 2>&1 || die "no traffic before round $r"
  f0=$(vg_field D t1 .dpd_failures)
  kill -KILL "${PIDS[gB]}"
  wait "${PIDS[gB]}" 2>/dev/null
  unset "PIDS[gB]"
  t0=$(now_ms)
  dead() { [ "$(vg_field D t1 .dpd_failures)" -gt "$f0" ] 2>/dev/null; }
  wait_for 40 dead || die "round $r: not declared dead within 40 s"
  t1=$(now_ms)
  sleep 2
  charon_start gB "$NS_GB"
  swan_load gB
  t2=$(now_ms)
  wait_for 30 ip netns exec "$NS_HA" ping -c 1 -W 1 -q "$HOST_B" >/dev/null 2>&1 || die "round $r: no traffic 30 s after restart"
  t3=$(now_ms)
  echo "  round $r: declared dead $((t1 - t0)) ms after the kill (bound 21000 ms); traffic back $((t3 - t2)) ms after strongSwan was ready (target < 10000 ms)"
done
vpngw_stop D
NPASS=1
finish >/dev/null 2>&1
