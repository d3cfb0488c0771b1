#!/usr/bin/env bash
# 14: the peer configuration download (spec §6) works unchanged on a real peer. vpngw (gwA)
# serves a tunnel; its `swanctl` rendering is fetched from the API and loaded as it is into
# strongSwan on gwB (swanctl --load-all): the tunnel comes up and carries a ping. Then the
# `strongswan` rendering (ipsec.conf + ipsec.secrets, the seed's format) is split at its
# ipsec.secrets marker and given unchanged to strongSwan's starter (`ipsec start`): the
# tunnel comes up again and carries a ping.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../traffic.sh"
require_vpngw
topo_up

vpngw_conf A side=a dh=14 pfs=14 initiator=false
vpngw_start A "$NS_GA"
S=$WORK/A/state
fetch() {   # FORMAT -> the rendering on stdout
  curl -sf -m 10 --unix-socket "$S/api.sock" -H "Authorization: Bearer $(cat "$S/operator.token")" \
    "http://vpngw/v1/tunnels/t1/config?format=$1"
}

# --- swanctl.conf -------------------------------------------------------------------------------
mkdir -p "$WORK/gB"
if fetch swanctl >"$WORK/gB/swanctl.conf"; then pass "download-swanctl ($(wc -l <"$WORK/gB/swanctl.conf") lines)"; else fail download-swanctl "curl failed"; fi
charon_start gB "$NS_GB"
swan_load gB
vg_wait_status A t1 connected 20 swanctl-connected
check swanctl-peer-established "strongSwan shows no established SA" swan_established gB t1 1
ping_check swanctl-ping "$NS_HA" "$HOST_B"
spi_swanctl=$(vg_field A t1 .ike_sa.spi_i)
charon_stop gB
not_connected() { ! vg_is A t1 connected; }
if wait_for 10 not_connected; then pass swanctl-peer-gone; else fail swanctl-peer-gone "still connected"; fi

# --- ipsec.conf + ipsec.secrets through starter -------------------------------------------------
if fetch strongswan >"$WORK/gB/rendered.txt"; then pass download-ipsec-conf; else fail download-ipsec-conf "curl failed"; fi
# The rendering holds both files; the second starts at its "/etc/ipsec.secrets" comment.
sed '/^# \/etc\/ipsec.secrets/,$d' "$WORK/gB/rendered.txt" >"$WORK/gB/ipsec.conf"
sed -n '/^# \/etc\/ipsec.secrets/,$p' "$WORK/gB/rendered.txt" >"$WORK/gB/ipsec.secrets"
chmod 0600 "$WORK/gB/ipsec.secrets"
check secrets-split "no PSK line in the secrets part" grep -q ' : PSK ' "$WORK/gB/ipsec.secrets"
charon_conf gB "load = random nonce openssl kdf pem pkcs1 x509 pubkey curve25519 kernel-libipsec kernel-netlink socket-default vici stroke"
dir=$WORK/gB
# shellcheck disable=SC2016  # expanded by the inner sh
ip netns exec "$NS_GB" sh -c 'mount --bind "$1" /run && mount --bind "$2" /etc/ipsec.conf &&
  mount --bind "$3" /etc/ipsec.secrets && exec env STRONGSWAN_CONF="$4" ipsec start --nofork' \
  sh "$dir/run" "$dir/ipsec.conf" "$dir/ipsec.secrets" "$dir/strongswan.conf" >"$dir/starter.out" 2>&1 &
PIDS[gB]=$!
vg_wait_status A t1 connected 30 ipsec-conf-connected
new_sa() { [ "$(vg_field A t1 .ike_sa.spi_i)" != "$spi_swanctl" ]; }
check ipsec-conf-new-ike-sa "the IKE SA is still the swanctl one" new_sa
established_by_starter() { grep -q "IKE_SA t1\[[0-9]*\] established" "$dir/charon.log"; }
if wait_for 5 established_by_starter; then pass ipsec-conf-peer-established; else fail ipsec-conf-peer-established "$(tail -n 5 "$dir/starter.out")"; fi
ping_check ipsec-conf-ping "$NS_HA" "$HOST_B"
expect_eq ipsec-conf-algorithms "aes128-sha1-modp2048" "$(vg_field A t1 .ike_sa.algorithms)"
vpngw_stop A
stop_pid gB
finish
