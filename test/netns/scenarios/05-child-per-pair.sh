#!/usr/bin/env bash
# 05: child_sa_per_subnet_pair: true against a strongSwan configured with one child per subnet
# pair (the Cisco/H3C style of seed 004): 2 x 3 subnets = 6 CHILD SAs, the first in IKE_AUTH,
# the rest by CREATE_CHILD_SA with the PFS group (DH 2). Both roles.
source "$(dirname "$0")/../lib.sh"
require_vpngw
LAN_A_EXTRA="10.1.1.1/24" LAN_B_EXTRA="10.3.0.1/24 10.4.0.1/24" topo_up
charon_start gB "$NS_GB"

A_NETS="10.1.0.0/24 10.1.1.0/24"
B_NETS="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24"
for role in vpngw swan; do
  WANT_CHILDREN=6 interop_case "pairs-$role" "$role" per_pair=true pfs=2 \
    local_subnets="$A_NETS" remote_subnets="$B_NETS" \
    -- per_pair=yes esp=aes128-sha1-modp1024 local_ts="$B_NETS" remote_ts="$A_NETS"
  f=$WORK/pairs-$role.vpngw.json
  if [ -f "$f" ]; then
    # every child carries exactly one pair, and all 6 pairs are present
    expect_eq "pairs-$role-one-pair-each" true \
      "$(jq '[.child_sas[] | (.local_ts | length) == 1 and (.remote_ts | length) == 1] | all' "$f")"
    expect_eq "pairs-$role-all-pairs" 6 \
      "$(jq '[.child_sas[] | .local_ts[0] + ">" + .remote_ts[0]] | unique | length' "$f")"
  fi
done
finish
