#!/usr/bin/env bash
# 16: the service end to end through the CLI and the REST API. vpngw (gwA) starts with an empty
# state (no configuration file); a VPC, a gateway, a customer gateway and a tunnel are created
# with the CLI (a refused one exits 2 naming the field) and the tunnel comes up with the strongSwan responder (gwB) and carries a ping; the route
# hook publishes the remote prefix. Adding a remote subnet (PATCH) reconnects the tunnel on
# its own with both subnets; reset renegotiates it; kill -9 and a restart on the same state
# directory bring it back from the store; DELETE removes its SAs on both sides, the route and
# the published prefix.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
LAN_B_EXTRA="10.2.1.1/24" topo_up
charon_start gB "$NS_GB"
swan_conf gB side=b local_ts="10.2.0.0/23"
swan_load gB

S=$WORK/A/state
mkdir -p "$S"
HOOK_LOG=$WORK/A/routes.log
cat >"$WORK/A/route-hook.sh" <<HOOK
#!/bin/sh
echo "\$*" >> "$HOOK_LOG"
HOOK
chmod 0700 "$WORK/A/route-hook.sh"
NS_OF[A]=$NS_GA

serve_a() {
  ip netns exec "$NS_GA" "$VPNGW" serve --state-dir "$S" --route-hook "$WORK/A/route-hook.sh" \
    --log-level debug >>"$WORK/A/vpngw.log" 2>&1 &
  PIDS[A]=$!
  wait_for 10 test -S "$S/api.sock" || die "the API did not come up: $(tail -n 5 "$WORK/A/vpngw.log")"
}

# api METHOD PATH [JSON]: prints "STATUS BODY"; bounded in time.
api() {
  local out
  out=$(curl -s -m 10 --unix-socket "$S/api.sock" -X "$1" -w '\n%{http_code}' \
    -H "Authorization: Bearer $(cat "$S/operator.token")" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://vpngw$2")
  echo "$(tail -n 1 <<<"$out") $(sed '$d' <<<"$out")"
}
api_ok() {   # CHECK WANT METHOD PATH [JSON] -> body on stdout
  local check=$1 want=$2 r
  shift 2
  r=$(api "$@")
  if [ "${r%% *}" = "$want" ]; then
    pass "$check (HTTP $want)" >&2
  else
    fail "$check" "HTTP ${r%% *}, wanted $want: ${r#* }" >&2
  fi
  echo "${r#* }"
}
tunnel_field() { api GET /v1/tunnels/t1 | cut -d' ' -f2- | jq -r "$1"; }
is_connected() { [ "$(tunnel_field .connection_status)" = connected ]; }
ike_spi() { tunnel_field '.connection.ike_sa.spi_i // empty'; }

serve_a
token_mode=$(stat -c %a "$S/operator.token")
expect_eq token-file-mode 600 "$token_mode"
# Created through the CLI (docs/cli.md), which talks to the same API.
cli() { ip netns exec "$NS_GA" timeout 10 "$VPNGW" "$@" --state-dir "$S"; }
check cli-create-vpc "vpngw vpc create failed" cli vpc create --name vpc-a --subnet 10.1.0.0/16
check cli-create-gateway "vpngw gateway create failed" \
  cli gateway create --name gw-a --vpc vpc-a --public-ip "$WAN_A" --lan-ip 10.1.0.1
check cli-create-customer-gateway "vpngw customer-gateway create failed" \
  cli customer-gateway create --name site-b --ip "$WAN_B"
check cli-create-tunnel "vpngw tunnel create failed" cli tunnel create --name t1 --gateway gw-a \
  --customer-gateway site-b --local-subnet 10.1.0.0/24 --remote-subnet 10.2.0.0/24 --psk "$PSK_DEFAULT"
cli tunnel create --name bad --gateway gw-a --customer-gateway site-b --local-subnet 10.9.0.0/24 \
  --remote-subnet 10.2.9.0/24 >/dev/null 2>"$WORK/A/bad.err"
expect_eq cli-refusal-exit-code 2 "$?"
check cli-refusal-names-field "no field in: $(cat "$WORK/A/bad.err")" grep -q "local_subnets\[0\]" "$WORK/A/bad.err"
if wait_for 20 is_connected; then pass tunnel-connected; else fail tunnel-connected "$(tunnel_field .connection)"; fi
expect_eq resource-status running "$(tunnel_field .status)"
expect_eq psk-not-returned absent "$(tunnel_field '.psk // "absent"')"
ping_check ping-through-tunnel "$NS_HA" "$HOST_B"
check strongswan-sees-it "strongSwan has no established SA" swan_established gB s2s 1
has_route() { ip -n "$NS_GA" route show "$1" | grep -q .; }
check route-installed "no route to 10.2.0.0/24 in gwA" has_route 10.2.0.0/24
wait_for 5 grep -q "^add t1 10.2.0.0/24" "$HOOK_LOG" && pass route-hook-add || fail route-hook-add "$(cat "$HOOK_LOG" 2>/dev/null)"
# The control socket's status names the tunnel by its name and carries its id.
expect_eq status-name t1 "$(vg_status A | jq -r '.tunnels[0].name')"
expect_eq status-id "$(tunnel_field .id)" "$(vg_status A | jq -r '.tunnels[0].id')"

# Edit: a second remote subnet. The tunnel reconnects by itself with both.
spi0=$(ike_spi)
check cli-add-remote-subnet "vpngw tunnel update failed" \
  cli tunnel update t1 --remote-subnet 10.2.0.0/24 --remote-subnet 10.2.1.0/24
reconnected() { is_connected && [ -n "$(ike_spi)" ] && [ "$(ike_spi)" != "$spi0" ]; }
if wait_for 20 reconnected; then pass reconnected-after-edit; else fail reconnected-after-edit "$(tunnel_field .connection)"; fi
expect_eq child-carries-both "10.2.0.0/24,10.2.1.0/24" "$(tunnel_field '[.connection.child_sas[0].remote_ts[]] | sort | join(",")')"
ping_check ping-new-subnet "$NS_HA" 10.2.1.1
wait_for 5 grep -q "^add t1 10.2.0.0/24 10.2.1.0/24" "$HOOK_LOG" && pass route-hook-update || fail route-hook-update "$(cat "$HOOK_LOG")"

# A rename changes nothing on the wire.
spi1=$(ike_spi)
api_ok rename 200 PATCH /v1/tunnels/t1 '{"remark":"branch office"}' >/dev/null
sleep 1
expect_eq remark-keeps-sa "$spi1" "$(ike_spi)"

# Reset ("apply immediately"): a new IKE SA.
check cli-reset "vpngw tunnel reset failed" cli tunnel reset t1
reset_done() { is_connected && [ "$(ike_spi)" != "$spi1" ]; }
if wait_for 20 reset_done; then pass reset-renegotiated; else fail reset-renegotiated "$(tunnel_field .connection)"; fi

# kill -9, then a restart on the same state directory: everything comes back from the store.
kill -KILL "${PIDS[A]}"
wait "${PIDS[A]}" 2>/dev/null
serve_a
if wait_for 30 is_connected; then pass back-after-kill-9; else fail back-after-kill-9 "$(tunnel_field .connection)"; fi
ping_check ping-after-restart "$NS_HA" "$HOST_B"

# Delete: SAs gone on both sides, the route withdrawn, the prefix unpublished.
check cli-delete-tunnel "vpngw tunnel delete failed" cli tunnel delete t1
expect_eq tunnel-gone 404 "$(api GET /v1/tunnels/t1 | cut -d' ' -f1)"
gone_on_swan() { [ "$(swan_installed_count gB s2s)" = 0 ]; }
if wait_for 10 gone_on_swan; then pass strongswan-sas-deleted; else fail strongswan-sas-deleted "$(swan_sas gB)"; fi
no_route() { ! has_route 10.2.0.0/24; }
if wait_for 5 no_route; then pass route-removed; else fail route-removed "$(ip -n "$NS_GA" route)"; fi
wait_for 5 grep -q "^del t1 10.2.0.0/24 10.2.1.0/24" "$HOOK_LOG" && pass route-hook-del || fail route-hook-del "$(cat "$HOOK_LOG")"
api_ok delete-gateway-with-no-tunnels 204 DELETE /v1/gateways/gw-a >/dev/null
finish
