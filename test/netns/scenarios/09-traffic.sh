#!/usr/bin/env bash
# 09: traffic through vpngw's userspace data plane (TUN + ESP), checked from outside:
#   swan    vpngw (gwA) initiates to strongSwan (gwB, kernel-libipsec: ESP-in-UDP)
#   vv-esp  vpngw on both gateways, raw ESP (IP protocol 50), aes128gcm16, gwB initiates
#   vv-ah   vpngw on both gateways, AH with HMAC-SHA2-256
#   vv-route vpngw on both gateways in route mode (0.0.0.0/0 selectors), aes256/sha2-256
# Each case: pings host to host both ways and from the gateway itself (its LAN address is the
# route source, spec §9 scenario 1), 100 MiB of TCP each way with every byte received, a capture
# on gwA's public link with no inner packet in clear, traffic from outside the selectors not
# carried (dropped_no_policy), and forged ESP dropped at the integrity check and counted.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
LAN_A_EXTRA="10.1.5.1/24" topo_up
# A second address on host A outside every local subnet: its traffic must not enter a tunnel.
ip -n "$NS_HA" addr add 10.1.5.2/24 dev eth0
MB=${TRAFFIC_MB:-100}

# traffic_checks CASE VGNAME PROTO(esp|ah) FORGE(raw|udp|none) [route]
traffic_checks() {
  local c=$1 vn=$2 proto=$3 forge=$4 mode=${5:-policy}
  capture_start "$c" "$NS_GA" wan || fail "$c-capture" "tcpdump did not start"
  ping_check "$c-ping-a-to-b" "$NS_HA" "$HOST_B" 5
  ping_check "$c-ping-b-to-a" "$NS_HB" "$HOST_A" 5
  ping_check "$c-ping-from-gateway" "$NS_GA" "$HOST_B" 3
  tcp_transfer "$c-tcp-a-to-b" "$NS_HA" "$NS_HB" "$HOST_B" "$MB"
  tcp_transfer "$c-tcp-b-to-a" "$NS_HA" "$NS_HB" "$HOST_B" "$MB" reverse

  # Too big for the tunnel with DF set: the sender hears "fragmentation needed" (the TUN MTU
  # leaves room for the ESP overhead) instead of a silent black hole.
  local pmtu
  pmtu=$(ip netns exec "$NS_HA" timeout 5 ping -n -c 1 -W 1 -M do -s 1450 "$HOST_B" 2>&1)
  if grep -q "mtu = 1400\|mtu=1400" <<<"$pmtu"; then
    pass "$c-df-too-big (ICMP fragmentation needed, mtu 1400)"
  else
    fail "$c-df-too-big" "$(tr '\n' ' ' <<<"$pmtu" | cut -c1-200)"
  fi

  local before after
  # Traffic from outside the local subnets (policy mode; in route mode the 0.0.0.0/0 selectors
  # let the routes alone decide what enters).
  if [ "$mode" != route ]; then
    before=$(dp_counter "$vn" dropped_no_policy)
    if ip netns exec "$NS_HA" timeout 5 ping -n -q -c 3 -i 0.2 -W 1 -I 10.1.5.2 "$HOST_B" >/dev/null 2>&1; then
      fail "$c-outside-selectors" "10.1.5.2 -> $HOST_B was answered"
    else
      after=$(dp_counter "$vn" dropped_no_policy)
      if [ "$((after - before))" -ge 3 ]; then
        pass "$c-outside-selectors (3 packets from 10.1.5.2 dropped: dropped_no_policy +$((after - before)))"
      else
        fail "$c-outside-selectors" "dropped_no_policy went from $before to $after"
      fi
    fi
  fi
  capture_stop "$c"
  capture_only_ipsec "$c-capture-only-$proto" "$c" "$proto"

  if [ "$forge" != none ]; then
    local spi
    spi=$(child_field "$vn" t1 spi_in)
    before=$(dp_counter "$vn" dropped_auth_failed)
    inject_esp "$NS_GB" "$WAN_A" "$spi" 20 "$forge" "${FORGE_BODY:-92}"
    sleep 0.5
    after=$(dp_counter "$vn" dropped_auth_failed)
    expect_eq "$c-forged-esp-dropped" 20 "$((after - before))"
    ping_check "$c-ping-after-forgery" "$NS_HA" "$HOST_B" 3
  fi
  local dj
  dj=$(vg "$vn" diagnose t1 --state-dir "$WORK/$vn/state" --json 2>&1)
  expect_eq "$c-diagnose-ok" ok "$(jq -r '.code' <<<"$dj" 2>/dev/null)"
  local pin pout
  pin=$(child_field "$vn" t1 packets_in)
  pout=$(child_field "$vn" t1 packets_out)
  if [ "${pin:-0}" -gt 1000 ] && [ "${pout:-0}" -gt 1000 ]; then
    pass "$c-sa-counters ($pin packets in, $pout out)"
  else
    fail "$c-sa-counters" "CHILD SA counters: ${pin:-?} in, ${pout:-?} out"
  fi
}

# --- swan: vpngw initiator, strongSwan responder ----------------------------------------------
log "--- case swan"
charon_start gB "$NS_GB"
swan_conf gB side=b proposals=aes128-sha1-modp1024 esp=aes128-sha1-modp1024
swan_load gB
vpngw_conf A-swan side=a
vpngw_start A-swan "$NS_GA"
if vg_wait_status A-swan t1 connected 20 swan-connected &&
  wait_for 10 children_ready A-swan t1 gB s2s 1; then
  traffic_checks swan A-swan esp udp
  expect_eq swan-udp-encap true "$(child_field A-swan t1 udp_encap)"
fi
vpngw_stop A-swan
charon_stop gB

# --- vpngw <-> vpngw ----------------------------------------------------------------------------
vv() {
  local c=$1 proto=$2 forge=$3 mode=${MODE:-policy}
  shift 3
  log "--- case $c"
  vpngw_conf "A-$c" side=a initiator=false "$@"
  vpngw_conf "B-$c" side=b initiator=true "$@"
  vpngw_start "A-$c" "$NS_GA"
  vpngw_start "B-$c" "$NS_GB"
  if vg_wait_status "A-$c" t1 connected 20 "$c-a-connected" &&
    vg_wait_status "B-$c" t1 connected 20 "$c-b-connected"; then
    compare_vpngw_vpngw "$c" "A-$c" t1 "B-$c" t1
    traffic_checks "$c" "A-$c" "$proto" "$forge" "$mode"
    expect_eq "$c-no-udp-encap" false "$(child_field "A-$c" t1 udp_encap)"
  fi
  vpngw_stop "B-$c"
  vpngw_stop "A-$c"
}
vv vv-esp esp raw esp_enc=aes128gcm16 esp_auth= pfs=14 dh=14
vv vv-ah ah none protocol=ah esp_enc= esp_auth=sha2-256
# Route mode (seed 004's scheme): 0.0.0.0/0 selectors, the routes to the remote subnets decide.
MODE=route FORGE_BODY=96 vv vv-route esp raw route_mode=route esp_enc=aes256 esp_auth=sha2-256
finish
