#!/usr/bin/env bash
# Tunnel throughput: iperf3 TCP hostA -> hostB through gwA/gwB in network namespaces (the
# topology of test/netns/lib.sh), RUNS runs of DURATION seconds each, 1 and 4 streams, for
#   plain       routed veth, no tunnel (the machine's ceiling)
#   vv          vpngw <-> vpngw (raw ESP)
#   vs          vpngw (gwA) <-> strongSwan 5.9.8 kernel-libipsec (gwB; ESP-in-UDP, forced by it)
#   ss          strongSwan <-> strongSwan (kernel-libipsec both ends): the reference
# with ESP aes128-sha1 and aes128gcm16. Prints the median (min-max) in Mbit/s, TCP retransmits,
# the gateways' CPU, and the ratios vpngw/strongSwan and vpngw/target.
# Root required; builds nothing (uses build/vpngw or $VPNGW). Environment:
#   RUNS=5 DURATION=10 ROWS="plain vv vs ss" CIPHERS="aes128-sha1 aes128gcm16" STREAMS="1 4"
#   VPNGW_ARGS="" (extra `vpngw serve` arguments, e.g. --no-offload or --workers 1)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CASE=bench
source "$ROOT/test/netns/lib.sh"
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
ROWS=${ROWS:-plain vv vs ss}
CIPHERS=${CIPHERS:-aes128-sha1 aes128gcm16}
STREAMS=${STREAMS:-1 4}
read -r -a VARGS_EXTRA <<<"${VPNGW_ARGS:-}"
declare -A TARGET=([aes128-sha1]=1250 [aes128gcm16]=1800)
declare -A RESULT=()

require_root
topo_up
ip netns exec "$NS_HB" timeout 3600 iperf3 -s -p 5201 >/dev/null 2>&1 &
PIDS[iperf3s]=$!
sleep 0.5

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# median/min/max of the arguments: "median (min-max)"
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "%d (%d-%d)", v[int((NR+1)/2)], v[1], v[NR]}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# series ROW CIPHER STREAMS PID_A PID_B: RUNS iperf3 runs, one result line.
series() {
  local row=$1 cipher=$2 par=$3 pa=${4:-} pb=${5:-} bps=() rtx=() ca=() cb=() i j a0 b0
  for ((i = 1; i <= RUNS; i++)); do
    a0=$([ -n "$pa" ] && cpu_ticks "$pa" || echo 0)
    b0=$([ -n "$pb" ] && cpu_ticks "$pb" || echo 0)
    j=$(ip netns exec "$NS_HA" timeout $((DURATION + 20)) iperf3 -c "$HOST_B" -p 5201 \
      -t "$DURATION" -P "$par" -J 2>/dev/null)
    bps+=("$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' <<<"$j")")
    rtx+=("$(jq -r '.end.sum_sent.retransmits // 0' <<<"$j")")
    [ -n "$pa" ] && ca+=($((($(cpu_ticks "$pa") - a0) / DURATION)))
    [ -n "$pb" ] && cb+=($((($(cpu_ticks "$pb") - b0) / DURATION)))
  done
  RESULT[$row/$cipher/$par]=$(median "${bps[@]}")
  local cpu=""
  [ -n "$pa" ] && cpu="  CPU gwA $(median "${ca[@]}")% gwB $(median "${cb[@]}")% of a core"
  printf '%-6s %-12s %d stream(s)  %s Mbit/s  retransmits/run %s%s\n' "$row" "$cipher" "$par" \
    "$(stats "${bps[@]}")" "$(median "${rtx[@]}")" "$cpu"
}

tunnel_ready() {   # the LAN route on gwA goes through a tunnel and a ping crosses
  wait_for 10 ip netns exec "$NS_HA" ping -c 1 -W 1 -q "$HOST_B" >/dev/null 2>&1
}

esp_args() {   # CIPHER -> vpngw_conf arguments
  case $1 in
    aes128gcm16) echo "esp_enc=aes128gcm16 esp_auth=" ;;
    *) echo "esp_enc=aes128 esp_auth=sha1" ;;
  esac
}

row_plain() {
  ip -n "$NS_GA" route add 10.2.0.0/24 via "$WAN_B"
  ip -n "$NS_GB" route add 10.1.0.0/24 via "$WAN_A"
  tunnel_ready || die "plain routing does not work"
  for par in $STREAMS; do series plain - "$par"; done
  ip -n "$NS_GA" route del 10.2.0.0/24
  ip -n "$NS_GB" route del 10.1.0.0/24
}

row_vv() {
  local cipher=$1 n=vv-$1
  # shellcheck disable=SC2046  # esp_args is a list of words
  vpngw_conf "A$n" side=a initiator=true $(esp_args "$cipher")
  # shellcheck disable=SC2046
  vpngw_conf "B$n" side=b initiator=false $(esp_args "$cipher")
  vpngw_start "B$n" "$NS_GB" "${VARGS_EXTRA[@]}"
  vpngw_start "A$n" "$NS_GA" "${VARGS_EXTRA[@]}"
  if vg_wait_status "A$n" t1 connected 20 >/dev/null && tunnel_ready; then
    for par in $STREAMS; do series vv "$cipher" "$par" "${PIDS[A$n]}" "${PIDS[B$n]}"; done
  else
    echo "vv $cipher: the tunnel did not come up"
  fi
  vpngw_stop "A$n"
  vpngw_stop "B$n"
}

row_vs() {
  local cipher=$1 n=vs-$1
  charon_start "gB$n" "$NS_GB"
  swan_conf "gB$n" side=b proposals=aes128-sha1-modp1024 esp="$cipher-modp1024"
  swan_load "gB$n"
  # shellcheck disable=SC2046
  vpngw_conf "A$n" side=a initiator=true $(esp_args "$cipher")
  vpngw_start "A$n" "$NS_GA" "${VARGS_EXTRA[@]}"
  if vg_wait_status "A$n" t1 connected 20 >/dev/null && tunnel_ready; then
    for par in $STREAMS; do series vs "$cipher" "$par" "${PIDS[A$n]}" "${PIDS[gB$n]}"; done
  else
    echo "vs $cipher: the tunnel did not come up"
  fi
  vpngw_stop "A$n"
  charon_stop "gB$n"
}

row_ss() {
  local cipher=$1 n=ss-$1
  charon_start "gA$n" "$NS_GA"
  charon_start "gB$n" "$NS_GB"
  swan_conf "gA$n" side=a proposals=aes128-sha1-modp1024 esp="$cipher-modp1024"
  swan_conf "gB$n" side=b proposals=aes128-sha1-modp1024 esp="$cipher-modp1024"
  swan_load "gA$n"
  swan_load "gB$n"
  for c in $(swan_children "gA$n"); do swan_initiate "gA$n" "$c" s2s 10; done
  if tunnel_ready; then
    for par in $STREAMS; do series ss "$cipher" "$par" "${PIDS[gA$n]}" "${PIDS[gB$n]}"; done
  else
    echo "ss $cipher: the tunnel did not come up"
  fi
  charon_stop "gA$n"
  charon_stop "gB$n"
}

echo "tunnel throughput, iperf3 TCP hostA -> hostB, $RUNS x ${DURATION}s per line, median (min-max)"
echo "vpngw: $VPNGW ${VPNGW_ARGS:-}"
for row in $ROWS; do
  if [ "$row" = plain ]; then
    row_plain
    continue
  fi
  for cipher in $CIPHERS; do "row_$row" "$cipher"; done
done

echo
echo "ratios (median Mbit/s):"
for cipher in $CIPHERS; do
  for par in $STREAMS; do
    vv=${RESULT[vv/$cipher/$par]:-} vs=${RESULT[vs/$cipher/$par]:-} ss=${RESULT[ss/$cipher/$par]:-}
    line="  $cipher, $par stream(s):"
    [ -n "$vv" ] && line+=" vpngw<->vpngw $vv = $(awk -v a="$vv" -v t="${TARGET[$cipher]}" 'BEGIN{printf "%.2f", a/t}') x target ${TARGET[$cipher]}"
    [ -n "$vv" ] && [ -n "$ss" ] && [ "$ss" -gt 0 ] && line+=", $(awk -v a="$vv" -v b="$ss" 'BEGIN{printf "%.2f", a/b}') x strongSwan<->strongSwan ($ss)"
    [ -n "$vs" ] && [ -n "$ss" ] && [ "$ss" -gt 0 ] && line+="; vpngw<->strongSwan $vs = $(awk -v a="$vs" -v b="$ss" 'BEGIN{printf "%.2f", a/b}') x"
    echo "$line"
  done
done
NPASS=1   # finish() reports; a benchmark has no verdicts
finish >/dev/null 2>&1
