#!/usr/bin/env bash
# 13: a flood of spoofed IKE_SA_INIT requests. A sixth namespace, linked to gwA only, holds 200
# addresses of 198.18.200.0/24 and sends 20,000 well-formed IKE_SA_INIT requests over 10 s to
# vpngw (gwA:500); every reply stays inside the test topology. Meanwhile strongSwan (gwB)
# initiates a legitimate tunnel, which must come up within 2 s. vpngw must answer with cookies
# (RFC 7296 §2.6) and its resident memory must grow by less than 64 MB. vpngw's customer gateway
# is 0.0.0.0, the case where no address filter helps.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
topo_up
FLOOD_COUNT=${FLOOD_COUNT:-20000}
FLOOD_SECONDS=${FLOOD_SECONDS:-10}

NS_FL=$P-fl
ns_new "$NS_FL" || die "cannot create $NS_FL"
ip -n "$NS_FL" link add eth0 type veth peer name fl netns "$NS_GA" || die veth
ip -n "$NS_GA" addr add 198.18.200.1/24 dev fl
ip -n "$NS_GA" link set fl up
ip -n "$NS_FL" link set eth0 up
for i in $(seq 2 201); do echo "address add 198.18.200.$i/24 dev eth0"; done | ip -n "$NS_FL" -batch - ||
  die "cannot add flood addresses"
ip -n "$NS_FL" route add default via 198.18.200.1

charon_start gB "$NS_GB"
swan_conf gB side=b
swan_load gB
# A 0.0.0.0 customer gateway accepts IKE_SA_INIT from any address, so every spoofed request
# reaches the cookie and half-open logic (from addresses no customer gateway names they would
# be dropped at once, counted as dropped_unexpected).
vpngw_conf A side=a initiator=false cgw_ip=0.0.0.0 remote_id="$WAN_B"
vpngw_start A "$NS_GA"
rss() { awk '/^VmRSS/ {print $2}' "/proc/${PIDS[A]}/status"; }
rss0=$(rss)

ip netns exec "$NS_FL" timeout $((FLOOD_SECONDS + 30)) python3 "$(dirname "$0")/../tools/ike_flood.py" \
  "$WAN_A" "$FLOOD_COUNT" "$FLOOD_SECONDS" 198.18.200 2 201 >"$WORK/flood.out" 2>&1 &
PIDS[flood]=$!
# Peak memory while the flood runs (sampled every 0.2 s, bounded by the flood's own time).
(
  peak=0
  for ((k = 0; k < (FLOOD_SECONDS + 10) * 5; k++)); do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/${PIDS[A]}/status" 2>/dev/null || echo 0)
    [ "${r:-0}" -gt "$peak" ] && peak=$r
    echo "$peak" >"$WORK/rss.peak"
    kill -0 "${PIDS[flood]}" 2>/dev/null || break
    sleep 0.2
  done
) &
PIDS[rss]=$!
sleep 3

t0=$(date +%s%N)
swan_initiate gB net s2s 10 || fail swan-initiate "$(tail -n 2 "$WORK/gB/initiate.out")"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
if vg_is A t1 connected && [ "$ms" -le 2000 ]; then
  pass "legit-tunnel-during-flood (IKE and CHILD SA up in $ms ms, flood running)"
else
  fail legit-tunnel-during-flood "took $ms ms; vpngw says $(vg_field A t1 .connection_status)"
fi
ping_check ping-during-flood "$NS_HA" "$HOST_B" 3

wait "${PIDS[flood]}" 2>/dev/null
unset "PIDS[flood]"
wait "${PIDS[rss]}" 2>/dev/null
unset "PIDS[rss]"
read -r sent replies secs <"$WORK/flood.out" || true
log "flood: $sent requests sent in $secs s, $replies replies; $(vg_status A | jq -c '.counters | {received, cookies_sent, dropped_bad_cookie, dropped_half_open_limit, dropped_malformed, dropped_unexpected}')"
[ "${sent:-0}" -eq "$FLOOD_COUNT" ] && pass "flood-sent ($sent IKE_SA_INIT in $secs s from 200 addresses)" ||
  fail flood-sent "$(cat "$WORK/flood.out")"
cookies=$(vg_status A | jq -r '.counters.cookies_sent')
[ "${cookies:-0}" -gt 0 ] && pass "cookies-sent ($cookies COOKIE replies)" || fail cookies-sent "cookies_sent=$cookies"
peak=$(cat "$WORK/rss.peak" 2>/dev/null || echo 0)
growth=$(((peak - rss0) / 1024))
if [ "$growth" -lt 64 ]; then
  pass "memory-bounded (RSS $((rss0 / 1024)) MB before, peak $((peak / 1024)) MB: +$growth MB < 64 MB)"
else
  fail memory-bounded "RSS grew by $growth MB"
fi
expect_eq still-connected connected "$(vg_field A t1 .connection_status)"
vpngw_stop A
finish
