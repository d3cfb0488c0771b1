#!/usr/bin/env bash
# 07: VPC to VPC (seed 001 §13.6.4): vpngw on both gateways. Both must show connected with the
# same IKE SPIs and crossed CHILD SA SPIs.
#   init-resp : gwA initiates, gwB responds (default set)
#   both-init : both ends are initiators (simultaneous start must settle on one IKE SA)
#   pairs-gcm : aes256gcm16 / DH 20, one CHILD SA per subnet pair (2 x 3) with PFS 19
source "$(dirname "$0")/../lib.sh"
require_vpngw
LAN_A_EXTRA="10.1.1.1/24" LAN_B_EXTRA="10.3.0.1/24 10.4.0.1/24" topo_up

# vv_case NAME A_INITIATOR B_INITIATOR CHILDREN [common vpngw_conf args]
vv_case() {
  local name=$1 ai=$2 bi=$3 want=$4
  shift 4
  log "--- case $name"
  vpngw_conf "A-$name" side=a initiator="$ai" "$@"
  vpngw_conf "B-$name" side=b initiator="$bi" "$@"
  # the mirrored subnets of gwB: swap local/remote if the case set them
  local l r
  l=$(awk '/local_subnets:/{sub(/.*local_subnets: /,""); print}' "$WORK/A-$name/vpngw.yaml")
  r=$(awk '/remote_subnets:/{sub(/.*remote_subnets: /,""); print}' "$WORK/A-$name/vpngw.yaml")
  sed -i "s#^    local_subnets: .*#    local_subnets: $r#; s#^    remote_subnets: .*#    remote_subnets: $l#" \
    "$WORK/B-$name/vpngw.yaml"
  vpngw_start "B-$name" "$NS_GB"
  vpngw_start "A-$name" "$NS_GA"
  local ok=1
  vg_wait_status "A-$name" t1 connected 20 "$name-a-connected" || ok=0
  vg_wait_status "B-$name" t1 connected 20 "$name-b-connected" || ok=0
  if [ "$ok" = 1 ]; then
    both_ready() { [ "$(vg_child_count "A-$name" t1)" -ge "$want" ] && [ "$(vg_child_count "B-$name" t1)" -ge "$want" ]; }
    wait_for 15 both_ready || fail "$name-children-ready" "want $want CHILD SAs: A $(vg_child_count "A-$name" t1), B $(vg_child_count "B-$name" t1)"
    if [ "$ai/$bi" = true/true ]; then
      # Simultaneous initiation creates two IKE SAs for a moment; vpngw keeps one (both sides
      # must settle on the same), so allow 10 s for the duplicate to be deleted.
      sa_of() { vg_field "$1" t1 '(.ike_sa.spi_i // "") + "/" + (.ike_sa.spi_r // "")'; }
      same_sa() {
        local x
        x=$(sa_of "A-$name")
        [ "${#x}" -gt 1 ] && [ "$x" = "$(sa_of "B-$name")" ]
      }
      stable_same_sa() { same_sa && sleep 1 && same_sa; }
      wait_for 10 stable_same_sa
    fi
    compare_vpngw_vpngw "$name" "A-$name" t1 "B-$name" t1
    expect_eq "$name-a-children" "$want" "$(vg_child_count "A-$name" t1)"
  fi
  vpngw_stop "A-$name"
  vpngw_stop "B-$name"
}

vv_case init-resp true false 1
vv_case both-init true true 1
vv_case pairs-gcm true false 6 per_pair=true ike_enc=aes256gcm16 ike_auth=sha2-384 dh=20 \
  esp_enc=aes256gcm16 esp_auth= pfs=19 \
  local_subnets="10.1.0.0/24 10.1.1.0/24" remote_subnets="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24"
finish
