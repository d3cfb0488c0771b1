#!/usr/bin/env bash
# 11: the peer dies and comes back. vpngw (gwA, initiator, dpd delay 8 s / timeout 13 s /
# action restart: the defaults) with strongSwan on gwB. strongSwan is killed with SIGKILL (no
# Delete reaches vpngw): vpngw must declare the peer dead within delay + timeout (21 s, plus
# 2 s of slack for the status poll) with diagnosis peer_unreachable, and once strongSwan runs
# again traffic must flow within 10 s without any operator action.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
topo_up
DELAY=${DPD_DELAY:-8}
TIMEOUT=${DPD_TIMEOUT:-13}

charon_start gB "$NS_GB"
swan_conf gB side=b
swan_load gB
vpngw_conf A side=a raw_tunnel_extra="    dpd: {delay: $DELAY, timeout: $TIMEOUT, action: restart}"
vpngw_start A "$NS_GA"
vg_wait_status A t1 connected 20 connected || finish
wait_for 10 children_ready A t1 gB s2s 1
ping_check ping-before "$NS_HA" "$HOST_B" 3

# --- death ------------------------------------------------------------------------------------
log "killing strongSwan (SIGKILL)"
kill -KILL "${PIDS[gB]}"
wait "${PIDS[gB]}" 2>/dev/null
unset "PIDS[gB]"
t_kill=$(date +%s%N)
dead() { [ "$(vg_field A t1 .dpd_failures)" -ge 1 ] 2>/dev/null; }
if wait_for $((DELAY + TIMEOUT + 2)) dead; then
  ms=$((($(date +%s%N) - t_kill) / 1000000))
  pass "peer-declared-dead (after $ms ms; limit $(((DELAY + TIMEOUT) * 1000)) ms + 2 s)"
  expect_eq dead-diagnosis peer_unreachable "$(vg_field A t1 .diagnosis.code)"
  st=$(vg_field A t1 .connection_status)
  [ "$st" != connected ] && pass "dead-not-connected ($st)" || fail dead-not-connected "still connected"
  expect_eq dead-no-child-sas 0 "$(vg_child_count A t1)"
  # The routes went with the SAs: nothing for the remote subnet points into the tunnel.
  if ip -n "$NS_GA" route show 10.2.0.0/24 | grep -q vpngw0; then
    fail dead-routes-removed "$(ip -n "$NS_GA" route show 10.2.0.0/24)"
  else
    pass dead-routes-removed
  fi
else
  fail peer-declared-dead "dpd_failures $(vg_field A t1 .dpd_failures) after $((DELAY + TIMEOUT + 2)) s: $(vg_tunnel A t1 | jq -c '{connection_status, diagnosis}')"
fi

# --- return -----------------------------------------------------------------------------------
sleep 3   # vpngw is now retrying against a silent address
log "starting strongSwan again"
charon_start gB "$NS_GB"
swan_load gB
t_back=$(date +%s%N)
flows() { ip netns exec "$NS_HA" ping -n -q -c 1 -W 1 "$HOST_B" >/dev/null 2>&1; }
if wait_for 10 flows; then
  pass "traffic-back (first echo reply $((($(date +%s%N) - t_back) / 1000000)) ms after strongSwan was ready)"
else
  fail traffic-back "no echo reply within 10 s: $(vg_tunnel A t1 | jq -c '{connection_status, diagnosis, attempts}')"
fi
expect_eq connected-again connected "$(vg_field A t1 .connection_status)"
compare_vpngw_swan again A t1 gB s2s
vpngw_stop A
finish
