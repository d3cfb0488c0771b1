#!/usr/bin/env bash
# 04: one CHILD SA carrying 2 local and 3 remote subnets (RFC 7296 §2.9: several TS per
# payload), vpngw as initiator and as responder. gwB has an address in each of its subnets
# because strongSwan's kernel-libipsec needs one inside local_ts to install its routes.
source "$(dirname "$0")/../lib.sh"
require_vpngw
LAN_A_EXTRA="10.1.1.1/24" LAN_B_EXTRA="10.3.0.1/24 10.4.0.1/24" topo_up
charon_start gB "$NS_GB"

A_NETS="10.1.0.0/24 10.1.1.0/24"
B_NETS="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24"
for role in vpngw swan; do
  interop_case "multi-$role" "$role" local_subnets="$A_NETS" remote_subnets="$B_NETS" \
    -- local_ts="$B_NETS" remote_ts="$A_NETS"
  # The single CHILD SA must carry every selector (compare_vpngw_swan checked they mirror).
  f=$WORK/multi-$role.vpngw.json
  if [ -f "$f" ]; then
    expect_eq "multi-$role-vpngw-local-ts" "10.1.0.0/24,10.1.1.0/24" "$(jq -c '.child_sas[0].local_ts' "$f" | ts_set)"
    expect_eq "multi-$role-vpngw-remote-ts" "10.2.0.0/24,10.3.0.0/24,10.4.0.0/24" \
      "$(jq -c '.child_sas[0].remote_ts' "$f" | ts_set)"
  fi
done
finish
