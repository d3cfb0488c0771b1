#!/usr/bin/env bash
# selftest.sh - proves the harness itself with strongSwan on both gateways (no vpngw involved):
# topology, charon per namespace, swanctl.conf generation (algorithms, multi-subnet, one child
# per subnet pair, IKEv1), SA parsing and SPI cross-checks, and that mismatches really fail.
# Run by hand (root): test/netns/selftest.sh
# shellcheck disable=SC2034  # read by lib.sh
CASE=selftest
source "$(dirname "$0")/lib.sh"

LAN_A_EXTRA="10.1.1.1/24" LAN_B_EXTRA="10.3.0.1/24 10.4.0.1/24" topo_up
charon_start gA "$NS_GA"
charon_start gB "$NS_GB"

# run_case NAME [common swan_conf args] -- [gA-only args] -- [gB-only args]
run_case() {
  local name=$1 common=() a=() b=() cur=common
  shift
  for x in "$@"; do
    if [ "$x" = -- ]; then [ "$cur" = common ] && cur=a || cur=b; continue; fi
    case $cur in common) common+=("$x") ;; a) a+=("$x") ;; b) b+=("$x") ;; esac
  done
  swan_conf gA side=a "${common[@]}" "${a[@]}"
  swan_conf gB side=b "${common[@]}" "${b[@]}"
  swan_load gA
  swan_load gB
  local c ok=1
  for c in $(swan_children gA); do swan_initiate gA "$c" s2s 10 || ok=0; done
  if [ "$ok" = 1 ]; then
    pass "$name-initiate"
    compare_swan_swan "$name" gA gB s2s
    [ -z "${WANT_IKE:-}" ] || expect_eq "$name-ike-algs" "$WANT_IKE" "$(swan_ike_algs gB s2s)"
    [ -z "${WANT_ESP:-}" ] || expect_eq "$name-esp-algs" "$WANT_ESP" "$(swan_child_algs gB s2s)"
  else
    fail "$name-initiate" "swanctl --initiate failed: $(tail -n 2 "$WORK/gA/initiate.out")"
  fi
  sw gA --terminate --ike s2s --timeout 5 >/dev/null 2>&1
  wait_for 5 swan_idle gB || fail "$name-terminate" "gB still has SAs"
}

WANT_IKE=AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024 WANT_ESP=AES_CBC-128/HMAC_SHA1_96 \
  run_case default
WANT_IKE=AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048 WANT_ESP=AES_CBC-256/HMAC_SHA2_256_128 \
  run_case aes256 proposals=aes256-sha256-modp2048 esp=aes256-sha256-modp2048
[ "$(swan_sas gB | jq length)" = 0 ] && pass "terminated"
WANT_IKE=3DES_CBC/HMAC_MD5_96/PRF_HMAC_MD5/MODP_1024 WANT_ESP=3DES_CBC/HMAC_MD5_96 \
  run_case 3des proposals=3des-md5-modp1024 esp=3des-md5-modp1024
WANT_IKE=AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519 WANT_ESP=AES_GCM_16-128 \
  run_case gcm proposals=aes128gcm16-prfsha256-curve25519 esp=aes128gcm16-curve25519
run_case multi -- local_ts="10.1.0.0/24 10.1.1.0/24" remote_ts="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24" \
  -- local_ts="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24" remote_ts="10.1.0.0/24 10.1.1.0/24"
run_case pairs per_pair=yes -- local_ts="10.1.0.0/24 10.1.1.0/24" remote_ts="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24" \
  -- local_ts="10.2.0.0/24 10.3.0.0/24 10.4.0.0/24" remote_ts="10.1.0.0/24 10.1.1.0/24"
run_case ikev1 version=1

# Mismatches must fail (proves the checks can fail).
swan_conf gA side=a
swan_conf gB side=b psk=another-secret
swan_load gA
swan_load gB
if swan_initiate gA net s2s 10; then fail psk-mismatch "initiate succeeded"; else pass psk-mismatch; fi
grep -q 'AUTHENTICATION_FAILED\|authentication of .* failed' "$WORK/gA/charon.log" "$WORK/gB/charon.log" &&
  pass psk-mismatch-logged || fail psk-mismatch-logged "no auth failure in charon logs"
finish
