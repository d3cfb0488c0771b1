#!/usr/bin/env bash
# run.sh - runs the network-namespace scenarios against build/vpngw (root required).
#   test/netns/run.sh              every scenarios/NN-*.sh, in order
#   test/netns/run.sh 01 06-mismatch scenarios/03-algorithms.sh
# Prints PASS/FAIL per scenario and ends with one line "N passed, M failed"; exits non-zero if
# any scenario failed. Environment:
#   VPNGW=path            binary under test (default: <repo>/build/vpngw)
#   NETNS_OUT=dir         where work dirs and outputs go (default: a new /tmp dir; removed when
#                         everything passed unless NETNS_KEEP=1)
#   SCENARIO_TIMEOUT=s    hard limit per scenario (default 180)
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
NETNS_LIB_NOINIT=1 source "$HERE/lib.sh"

scenarios=()
if [ $# -eq 0 ]; then
  for f in "$HERE"/scenarios/[0-9][0-9]-*.sh; do scenarios+=("$f"); done
else
  for a in "$@"; do
    if [ -f "$a" ]; then
      scenarios+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")")
      continue
    fi
    m=("$HERE"/scenarios/"${a%.sh}"*.sh)
    if [ ! -f "${m[0]}" ]; then
      echo "FAIL $a: no such scenario"
      echo "0 passed, 1 failed"
      exit 1
    fi
    scenarios+=("${m[@]}")
  done
fi
total=${#scenarios[@]}

abort() {   # every scenario counts as failed
  echo "FAIL netns: $*"
  echo "0 passed, $total failed"
  exit 1
}
[ "$(id -u)" -eq 0 ] || abort "must run as root (network namespaces)"
[ -x "$VPNGW" ] || abort "vpngw binary not found or not executable: $VPNGW (build it first)"
[ -x "$CHARON" ] && [ -x "$SWANCTL" ] || abort "strongSwan charon/swanctl missing (run scripts/setup)"
for tool in ip jq awk timeout; do
  command -v "$tool" >/dev/null || abort "$tool missing (run scripts/setup)"
done

reap_stale
own_out=""
if [ -z "${NETNS_OUT:-}" ]; then
  NETNS_OUT=$(mktemp -d /tmp/vpngw-netns-run.XXXXXX)
  own_out=1
fi
mkdir -p "$NETNS_OUT"
export NETNS_OUT VPNGW

passed=0
failed=0
failed_names=()
t_all=$(date +%s)
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .sh)
  echo "=== $name"
  t=$(date +%s)
  # timeout signals the whole process group, so a scenario's own cleanup trap still runs.
  SCENARIO=$name CASE=$name timeout -k 15 "${SCENARIO_TIMEOUT:-180}" bash "$s" 2>&1 |
    tee "$NETNS_OUT/$name.out"
  rc=${PIPESTATUS[0]}
  dt=$(($(date +%s) - t))
  if [ "$rc" -eq 0 ]; then
    echo "PASS $name (${dt} s)"
    passed=$((passed + 1))
  else
    reason="exit $rc"
    [ "$rc" -ne 124 ] || reason="timed out after ${SCENARIO_TIMEOUT:-180} s"
    echo "FAIL $name: $reason (${dt} s)"
    failed=$((failed + 1))
    failed_names+=("$name")
  fi
done
reap_stale

echo "=== netns summary ($(($(date +%s) - t_all)) s)"
if [ "$failed" -gt 0 ]; then
  echo "failed: ${failed_names[*]}; outputs and work dirs in $NETNS_OUT"
elif [ -n "$own_out" ] && [ -z "${NETNS_KEEP:-}" ]; then
  rm -rf "$NETNS_OUT"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
