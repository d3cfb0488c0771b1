#!/usr/bin/env bash
# 17: dead peer detection actions clear and hold against strongSwan (gwB, responder). With a
# short DPD (delay 3 s, timeout 5 s) strongSwan is killed (SIGKILL) and started again:
#   clear  vpngw declares the peer dead, drops the SAs and routes, and does not renegotiate on
#          its own, not even once strongSwan is back; it comes back when the peer initiates.
#   hold   vpngw declares the peer dead and drops the SAs, but the route to the remote subnet
#          stays (a trap); strongSwan back, nothing happens until traffic: the first ping makes
#          the data plane ask for the tunnel (an acquire) and the tunnel comes up by itself.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
topo_up
DPD="    dpd: {delay: 3, timeout: 5, action: %s}"

kill_swan() {
  kill -KILL "${PIDS[gB]}"
  wait "${PIDS[gB]}" 2>/dev/null
  unset "PIDS[gB]"
}
dead() { [ "$(vg_field A t1 .dpd_failures)" -ge 1 ] 2>/dev/null; }
tunnel_route() { ip -n "$NS_GA" route show 10.2.0.0/24 | grep -q vpngw0; }

for action in clear hold; do
  log "--- action $action"
  charon_start gB "$NS_GB"
  swan_conf gB side=b dpd_delay=3s
  swan_load gB
  # shellcheck disable=SC2059  # the format is ours
  vpngw_conf A side=a raw_tunnel_extra="$(printf "$DPD" "$action")"
  vpngw_start A "$NS_GA"
  vg_wait_status A t1 connected 20 "$action-connected" || finish
  ping_check "$action-ping-before" "$NS_HA" "$HOST_B" 3
  kill_swan
  if wait_for 12 dead; then
    pass "$action-peer-declared-dead"
  else
    fail "$action-peer-declared-dead" "$(vg_tunnel A t1 | jq -c '{connection_status, diagnosis, dpd_failures}')"
  fi
  expect_eq "$action-no-child-sas" 0 "$(vg_child_count A t1)"
  attempts=$(vg_field A t1 .attempts)
  charon_start gB "$NS_GB"
  swan_load gB
  sleep 6   # a restart action would have reconnected by now
  expect_eq "$action-no-retries" "$attempts" "$(vg_field A t1 .attempts)"
  st=$(vg_field A t1 .connection_status)
  [ "$st" != connected ] && pass "$action-stays-down ($st)" || fail "$action-stays-down" "connected on its own"
  if [ "$action" = clear ]; then
    check clear-route-removed "a route into the tunnel is left" eval '! tunnel_route'
    # The peer initiates: the tunnel is back.
    sw gB --initiate --child net --timeout 10 >/dev/null 2>&1
    vg_wait_status A t1 connected 15 clear-back-when-peer-initiates
    ping_check clear-ping-after "$NS_HA" "$HOST_B" 3
  else
    check hold-route-kept "the route into the tunnel was removed" tunnel_route
    before=$(vg_status A | jq -r '.counters.dataplane.acquires_raised // 0')
    # Traffic brings the tunnel back: the first echo requests are dropped while it negotiates.
    flows() { ip netns exec "$NS_HA" ping -n -q -c 1 -W 1 "$HOST_B" >/dev/null 2>&1; }
    t0=$(date +%s%N)
    if wait_for 15 flows; then
      pass "hold-back-on-traffic (first echo reply after $((($(date +%s%N) - t0) / 1000000)) ms)"
    else
      fail hold-back-on-traffic "$(vg_tunnel A t1 | jq -c '{connection_status, diagnosis, attempts}')"
    fi
    after=$(vg_status A | jq -r '.counters.dataplane.acquires_raised // 0')
    [ "$after" -gt "$before" ] && pass "hold-acquire-raised ($before -> $after)" ||
      fail hold-acquire-raised "acquires_raised $before -> $after"
    expect_eq hold-connected connected "$(vg_field A t1 .connection_status)"
    ping_check hold-ping-after "$NS_HA" "$HOST_B" 3
  fi
  vpngw_stop A
  charon_stop gB
  rm -rf "$WORK/A/state"
done
finish
