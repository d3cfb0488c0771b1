#!/usr/bin/env bash
# 10: rekeying under traffic against strongSwan. Lifetimes are cut to seconds so CHILD and IKE
# SAs rekey several times during one run of a fast ping (every 20 ms) and a rate-limited TCP
# stream; no ping may be lost and the stream must arrive intact (byte count and SHA-256).
#   vpngw-child  vpngw rekeys the CHILD SA (lifetime 20 s: about every 18 s), strongSwan the
#                IKE SA (rekey_time 25 s)
#   swan-child   strongSwan rekeys the CHILD SA (rekey_time 12 s), vpngw the IKE SA (30 s)
#   volume       vpngw rekeys the CHILD SA when 90% of a 2 MiB traffic-volume lifetime passed
# Both sides therefore initiate rekeys of both kinds across the two cases; vpngw's `rekeys`
# counter and its IKE/CHILD SPIs changing prove the rekeys happened.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
topo_up
charon_start gB "$NS_GB"
SECONDS_RUN=${REKEY_SECONDS:-45}
TOOLS=$(dirname "$0")/../tools

# rekey_case NAME VPNGW_ARGS... -- SWAN_ARGS...
rekey_case() {
  local c=$1
  shift
  split_args "$@"
  log "--- case $c"
  swan_conf gB side=b "${SARGS[@]}"
  swan_load gB
  vpngw_conf "A-$c" side=a "${VARGS[@]}"
  vpngw_start "A-$c" "$NS_GA" --min-lifetime 10
  if ! vg_wait_status "A-$c" t1 connected 20 "$c-connected" ||
    ! wait_for 10 children_ready "A-$c" t1 gB s2s 1; then
    vpngw_stop "A-$c"
    swan_reset gB
    return
  fi
  local ike0 child0
  ike0=$(vg_field "A-$c" t1 '.ike_sa.spi_i')
  child0=$(child_field "A-$c" t1 spi_in)

  # A rate-limited stream (200 kB/s) and a fast ping, both for the whole run.
  ip netns exec "$NS_HB" timeout $((SECONDS_RUN + 60)) python3 "$TOOLS/stream.py" recv 5002 \
    "$WORK/$c.recv" &
  PIDS[recv-$c]=$!
  sleep 0.5
  ip netns exec "$NS_HA" timeout $((SECONDS_RUN + 60)) python3 "$TOOLS/stream.py" send \
    "$HOST_B" 5002 "$SECONDS_RUN" 200 >"$WORK/$c.sent" 2>"$WORK/$c.send.err" &
  PIDS[send-$c]=$!
  local count=$((SECONDS_RUN * 50))
  # REKEY_PCAP=1: the WAN as gB sees it, for looking into a loss (ESP SPIs per packet).
  if [ -n "${REKEY_PCAP:-}" ]; then
    ip netns exec "$NS_GB" timeout $((SECONDS_RUN + 30)) tcpdump -i wan -n -s 128 -w "$WORK/$c.pcap" \
      2>/dev/null &
    PIDS[pcap-$c]=$!
  fi
  # -D -O: every reply and every missing one with a timestamp, to line a loss up with the logs.
  ip netns exec "$NS_HA" timeout $((SECONDS_RUN + 30)) ping -n -D -O -i 0.02 -W 1 -c "$count" \
    "$HOST_B" >"$WORK/$c.ping" 2>&1
  wait "${PIDS[send-$c]}" 2>/dev/null
  wait "${PIDS[recv-$c]}" 2>/dev/null
  unset "PIDS[send-$c]" "PIDS[recv-$c]"
  if [ -n "${PIDS[pcap-$c]:-}" ]; then
    kill "${PIDS[pcap-$c]}" 2>/dev/null
    wait "${PIDS[pcap-$c]}" 2>/dev/null
    unset "PIDS[pcap-$c]"
  fi

  local tx rx
  tx=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1/p' "$WORK/$c.ping")
  rx=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\2/p' "$WORK/$c.ping")
  if [ -n "$tx" ] && [ "$tx" = "$count" ] && [ "$rx" = "$tx" ]; then
    pass "$c-ping-no-loss ($rx/$tx echo replies at 20 ms over $SECONDS_RUN s)"
  else
    fail "$c-ping-no-loss" "$(tail -n 2 "$WORK/$c.ping" | tr '\n' ' ') missing: $(grep -m 5 'no answer' "$WORK/$c.ping" | tr '\n' ' ')"
  fi
  local sent got
  sent=$(cat "$WORK/$c.sent" 2>/dev/null)
  got=$(cat "$WORK/$c.recv" 2>/dev/null)
  if [ -n "$sent" ] && [ "$sent" = "$got" ]; then
    pass "$c-stream-intact (${sent%% *} bytes, SHA-256 equal)"
  else
    fail "$c-stream-intact" "sent '${sent:-nothing}', received '${got:-nothing}' $(cat "$WORK/$c.send.err" 2>/dev/null)"
  fi

  local rekeys ike1 child1
  rekeys=$(vg_field "A-$c" t1 .rekeys)
  ike1=$(vg_field "A-$c" t1 '.ike_sa.spi_i')
  child1=$(child_field "A-$c" t1 spi_in)
  if [ "${rekeys:-0}" -ge "${MIN_REKEYS:-3}" ] && [ "$child1" != "$child0" ] &&
    { [ "${IKE_REKEY:-1}" = 0 ] || [ "$ike1" != "$ike0" ]; }; then
    pass "$c-rekeyed ($rekeys rekeys; IKE SA $ike0 -> $ike1, CHILD SA $child0 -> $child1)"
  else
    fail "$c-rekeyed" "rekeys ${rekeys:-?}, IKE SA $ike0 -> $ike1, CHILD SA $child0 -> $child1"
  fi
  expect_eq "$c-connected-after" connected "$(vg_field "A-$c" t1 .connection_status)"
  compare_vpngw_swan "$c-after" "A-$c" t1 gB s2s
  # Who started the rekeys: vpngw logs each one it starts.
  local by_us
  by_us=$(grep -c "rekeying $WANT_OURS SA" "$WORK/A-$c/vpngw.log")
  if [ "$by_us" -ge 1 ]; then
    pass "$c-vpngw-initiated ($by_us $WANT_OURS SA rekeys started by vpngw, the others by strongSwan)"
  else
    fail "$c-vpngw-initiated" "vpngw started no $WANT_OURS SA rekey"
  fi
  vg_status "A-$c" >"$WORK/$c.status.json" 2>/dev/null
  vpngw_stop "A-$c"
  swan_reset gB
}

# REKEY_CASES="swan-child ..." runs only those cases.
wanted() { [ -z "${REKEY_CASES:-}" ] || [[ " $REKEY_CASES " == *" $1 "* ]]; }
wanted vpngw-child && WANT_OURS=CHILD rekey_case vpngw-child esp_lifetime=20 -- rekey_time=25s
wanted swan-child && WANT_OURS=IKE rekey_case swan-child ike_lifetime=30 -- child_rekey_time=12s
# Traffic-volume lifetime: 2 MiB at 200 kB/s of stream (plus the pings) rekeys every ~9 s.
wanted volume && SECONDS_RUN=25 MIN_REKEYS=2 IKE_REKEY=0 WANT_OURS=CHILD rekey_case volume \
  raw_tunnel_extra="      lifetime_kilobytes: 2048"
finish
