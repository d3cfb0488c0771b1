#!/usr/bin/env bash
# 06: misconfigurations are reported with the failed phase and a diagnosis within the timing
# contract (3 tries end within 40 s, then a retry every 12 s). Each sub-case runs in its own
# topology; all sub-cases run in parallel so the scenario takes about one 40 s window.
#   06-mismatch.sh            all sub-cases
#   06-mismatch.sh psk-i ...  only these
# Sub-cases ending in -i: vpngw initiates; -r: strongSwan initiates (vpngw initiator: false).
ALL_CASES="psk-i enc-i integ-i dh-i id-i ts-i esp-i psk-r enc-r dh-r id-r ts-r version-r"
WINDOW=${MISMATCH_WINDOW:-40}   # seconds allowed to reach the failed state

if [ -z "${SUBCASE:-}" ]; then
  # Parent: one child process per sub-case, bounded by timeout, outputs printed in order.
  cases=${*:-$ALL_CASES}
  out=$(mktemp -d /tmp/vpngw-netns-06.XXXXXX)
  declare -A pid=()
  trap 'for c in "${!pid[@]}"; do kill -TERM "${pid[$c]}" 2>/dev/null; done; wait; rm -rf "$out"; exit 143' TERM INT
  for c in $cases; do
    SUBCASE=$c CASE="$(basename "$0" .sh)/$c" timeout -k 5 $((WINDOW + 50)) "$0" >"$out/$c" 2>&1 &
    pid[$c]=$!
  done
  rc=0
  for c in $cases; do
    wait "${pid[$c]}" || rc=1
    cat "$out/$c"
  done
  rm -rf "$out"
  exit $rc
fi

source "$(dirname "$0")/../lib.sh"
require_vpngw
topo_up
charon_start gB "$NS_GB"

# mismatch NAME ROLE STATUS CODES [vpngw_conf args] -- [swan_conf args]
mismatch() {
  local name=$1 role=$2 want=$3 codes=$4 init=true
  shift 4
  split_args "$@"
  [ "$role" = swan ] && init=false
  swan_conf gB side=b "${SARGS[@]}"
  swan_load gB
  vpngw_conf gA side=a initiator=$init "${VARGS[@]}"
  vpngw_start gA "$NS_GA"
  # strongSwan as initiator: a fresh try every 4 s (8 at most), more than the 3 vpngw counts.
  [ "$role" = vpngw ] || swan_initiate_loop gB 8 4
  expect_failure "$name" gA t1 "$want" "$codes" "$WINDOW"
}

case $SUBCASE in
  psk-i)
    # After the failed state the gateway keeps retrying every 12 s (a new IKE_SA_INIT arrives).
    mismatch psk vpngw phase1_failed psk_mismatch -- psk=not-the-same-secret || finish
    inits() { grep -c 'is initiating an IKE_SA' "$WORK/gB/charon.log"; }
    n0=$(inits)
    more_inits() { [ "$(inits)" -gt "$n0" ]; }
    if wait_for 16 more_inits; then
      pass "psk-retry-after-failed"
    else
      fail "psk-retry-after-failed" "no new IKE_SA_INIT within 16 s of the failed state"
    fi
    ;;
  enc-i) mismatch enc vpngw phase1_failed proposal_mismatch ike_enc=aes256 -- proposals=aes128-sha1-modp1024 ;;
  integ-i) mismatch integ vpngw phase1_failed proposal_mismatch ike_auth=sha2-256 -- proposals=aes128-sha1-modp1024 ;;
  # As initiator vpngw only hears NO_PROPOSAL_CHOSEN, so both codes are acceptable here; as
  # responder (dh-r) it sees the peer's proposal and must name the DH group.
  dh-i) mismatch dh vpngw phase1_failed "dh_mismatch|proposal_mismatch" dh=14 -- proposals=aes128-sha1-modp1024 ;;
  id-i) mismatch id vpngw phase1_failed id_mismatch remote_id=peer.wrong.example ;;
  ts-i) mismatch ts vpngw phase2_failed ts_mismatch -- remote_ts=10.9.0.0/24 ;;
  esp-i) mismatch esp vpngw phase2_failed proposal_mismatch esp_enc=aes256 -- esp=aes128-sha1-modp1024 ;;
  psk-r) mismatch psk swan phase1_failed psk_mismatch -- psk=not-the-same-secret ;;
  enc-r) mismatch enc swan phase1_failed proposal_mismatch ike_enc=aes256 -- proposals=aes128-sha1-modp1024 ;;
  dh-r)
    mismatch dh swan phase1_failed dh_mismatch dh=2 -- proposals=aes128-sha1-modp2048
    # No offered proposal has group 2, so the answer must be NO_PROPOSAL_CHOSEN, not an
    # INVALID_KE_PAYLOAD asking for a group the peer never offered (RFC 7296 §1.2, §3.10.1).
    if grep -q "it requested MODP_1024" "$WORK/gB/charon.log"; then
      fail "dh-no-invalid-ke" "vpngw answered INVALID_KE_PAYLOAD(MODP_1024) to a proposal without MODP_1024: $(grep -m 1 "it requested" "$WORK/gB/charon.log" | cut -c1-160)"
    else
      pass "dh-no-invalid-ke"
    fi
    ;;
  id-r) mismatch id swan phase1_failed id_mismatch -- local_id=site-b.wrong.example ;;
  ts-r) mismatch ts swan phase2_failed ts_mismatch -- local_ts=10.9.0.0/24 ;;
  version-r)
    # An IKEv1 (main mode) peer initiating to an IKEv2-only tunnel.
    swan_conf gB side=b version=1
    swan_load gB
    vpngw_conf gA side=a initiator=false ike_version=v2
    vpngw_start gA "$NS_GA"
    swan_initiate_loop gB 8 4
    is_v1() { [ "$(vg_field gA t1 .diagnosis.code 2>/dev/null)" = version_mismatch ]; }
    if wait_for "$WINDOW" is_v1; then
      pass "version-diagnosis (status $(vg_field gA t1 .connection_status): $(vg_field gA t1 .diagnosis.text))"
    else
      fail "version-diagnosis" "no version_mismatch within $WINDOW s: $(vg_tunnel gA t1 | jq -c '{connection_status, last_error, diagnosis}')"
    fi
    [ "$(vg_field gA t1 .connection_status)" != connected ] && pass "version-not-connected" ||
      fail "version-not-connected" "tunnel connected"
    ;;
  *) die "unknown sub-case $SUBCASE (known: $ALL_CASES)" ;;
esac
finish
