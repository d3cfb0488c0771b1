#!/usr/bin/env bash
# 12: strongSwan behind a NAT box (spec §13.4.1: a peer behind a NAT pool). A fifth namespace
# masquerades gwB's traffic (nftables, random source ports) onto the public link:
#
#   hostA -- gwA 198.18.1.1 ==== 198.18.1.2 [nat] 198.19.2.1 ---- 198.19.2.2 gwB -- hostB
#
# vpngw's customer gateway is 0.0.0.0 (any address) with the peer's FQDN as remote id, so
# vpngw only responds; strongSwan initiates. Checks: the tunnel comes up in ESP-in-UDP, traffic
# passes both ways and only UDP 4500 crosses the public link; NAT-T keepalives; then the NAT
# forgets its mappings (conntrack flush) so the peer reappears from a new port, and vpngw
# follows it without renegotiating (same SPIs, nat_mapping_changes counted, traffic flows).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
command -v nft >/dev/null && command -v conntrack >/dev/null || die "nft/conntrack missing (scripts/setup)"

# --- topology with a NAT namespace between the gateways ----------------------------------------
NS_NAT=$P-nat
for ns in "$NS_HA" "$NS_GA" "$NS_NAT" "$NS_GB" "$NS_HB"; do ns_new "$ns" || die "cannot create $ns"; done
ip -n "$NS_HA" link add eth0 type veth peer name lan netns "$NS_GA" &&
  ip -n "$NS_GA" link add wan type veth peer name out netns "$NS_NAT" &&
  ip -n "$NS_NAT" link add in type veth peer name wan netns "$NS_GB" &&
  ip -n "$NS_HB" link add eth0 type veth peer name lan netns "$NS_GB" || die "veth"
ip -n "$NS_HA" addr add "$HOST_A/24" dev eth0
ip -n "$NS_GA" addr add 10.1.0.1/24 dev lan
ip -n "$NS_GA" addr add "$WAN_A/24" dev wan
ip -n "$NS_NAT" addr add 198.18.1.2/24 dev out
ip -n "$NS_NAT" addr add 198.19.2.1/24 dev in
ip -n "$NS_GB" addr add 198.19.2.2/24 dev wan
ip -n "$NS_GB" addr add 10.2.0.1/24 dev lan
ip -n "$NS_HB" addr add "$HOST_B/24" dev eth0
for l in "$NS_HA eth0" "$NS_GA lan" "$NS_GA wan" "$NS_NAT out" "$NS_NAT in" "$NS_GB wan" "$NS_GB lan" "$NS_HB eth0"; do
  set -- $l
  ip -n "$1" link set "$2" up
done
for ns in "$NS_GA" "$NS_NAT" "$NS_GB"; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 >/dev/null; done
ip -n "$NS_HA" route add default via 10.1.0.1
ip -n "$NS_HB" route add default via 10.2.0.1
ip -n "$NS_GB" route add default via 198.19.2.1
ip netns exec "$NS_NAT" nft -f - <<'EOF' || die "nft"
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat;
    oifname "out" masquerade random
  }
}
EOF
wait_for 5 ip netns exec "$NS_GB" ping -c 1 -W 1 -q "$WAN_A" >/dev/null 2>&1 || die "gwB cannot reach gwA through the NAT"
log "NAT topology $P up"

charon_start gB "$NS_GB"
swan_conf gB side=b local_addrs=198.19.2.2 local_id=site-b.example.net remote_id="$WAN_A" dpd_delay=5s
swan_load gB
vpngw_conf A side=a initiator=false cgw_ip=0.0.0.0 remote_id=site-b.example.net
vpngw_start A "$NS_GA"
swan_initiate gB net s2s 10 || fail swan-initiate "$(tail -n 2 "$WORK/gB/initiate.out")"
if vg_wait_status A t1 connected 10 connected && wait_for 10 children_ready A t1 gB s2s 1; then
  compare_vpngw_swan nat A t1 gB s2s
  expect_eq udp-encap true "$(child_field A t1 udp_encap)"
  remote=$(vg_field A t1 .ike_sa.remote)
  case $remote in
    198.18.1.2:4500) fail nat-port "the NAT kept port 4500 (want a translated port): $remote" ;;
    198.18.1.2:*) pass "peer-seen-through-nat ($remote)" ;;
    *) fail peer-seen-through-nat "$remote" ;;
  esac
  capture_start nat "$NS_GA" wan
  ping_check ping-a-to-b "$NS_HA" "$HOST_B" 5
  ping_check ping-b-to-a "$NS_HB" "$HOST_A" 5
  tcp_transfer tcp-a-to-b "$NS_HA" "$NS_HB" "$HOST_B" 20
  capture_stop nat
  capture_only_ipsec nat-capture-only-esp nat esp

  # The NAT forgets every mapping: strongSwan's next packets leave from new random ports.
  spis=$(child_field A t1 spi_in)/$(vg_field A t1 .ike_sa.spi_i)
  before=$(vg_status A | jq -r '.counters.nat_mapping_changes')
  ip netns exec "$NS_NAT" conntrack -F >/dev/null 2>&1
  log "NAT mappings flushed"
  ping_check ping-b-to-a-after-remap "$NS_HB" "$HOST_A" 5
  moved() { [ "$(vg_status A | jq -r '.counters.nat_mapping_changes')" -gt "$before" ]; }
  # strongSwan's DPD (5 s) or its ESP makes the new mapping visible to vpngw's IKE side.
  if wait_for 15 moved; then
    pass "mapping-change-followed (peer now $(vg_field A t1 .ike_sa.remote), was $remote)"
  else
    fail mapping-change-followed "nat_mapping_changes stayed $before; peer $(vg_field A t1 .ike_sa.remote)"
  fi
  ping_check ping-a-to-b-after-remap "$NS_HA" "$HOST_B" 5
  n=$(dp_counter A nat_peer_moved)
  [ "${n:-0}" -ge 1 ] && pass "dataplane-followed-esp ($n ESP SA endpoint moves on authenticated ESP)" ||
    fail dataplane-followed-esp "nat_peer_moved is ${n:-?}"
  expect_eq same-sas-after-remap "$spis" "$(child_field A t1 spi_in)/$(vg_field A t1 .ike_sa.spi_i)"
fi
vpngw_stop A
finish
