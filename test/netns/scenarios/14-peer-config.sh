#!/usr/bin/env bash
# 14: the peer configuration download (spec §6) works unchanged on a real peer. vpngw (gwA)
# serves a tunnel; its `swanctl` rendering is fetched from the API and loaded as it is into
# strongSwan on gwB (swanctl --load-all): the tunnel comes up and carries a ping. Then the
# `strongswan` rendering (ipsec.conf + ipsec.secrets, the seed's format) is split at its
# ipsec.secrets marker and given unchanged to strongSwan's starter (`ipsec start`): the
# tunnel comes up again and carries a ping. Last, the `libreswan` rendering (DH 14: libreswan 4
# refuses group 2) is loaded unchanged into pluto, which initiates: the IKE SA is established
# on both sides (pluto cannot install SAs on this kernel, so no traffic).
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
stop_pid gB

# --- libreswan (IKE level: pluto cannot install SAs on a kernel without ESP) ---------------------
LS=${LIBRESWAN_ROOT:-/opt/libreswan}
if [ ! -x "$LS/usr/libexec/ipsec/pluto" ]; then
  fail libreswan-present "no pluto under $LS (scripts/setup unpacks it)"
  finish
fi
d=$WORK/ls
mkdir -p "$d/run" "$d/nss"
if fetch libreswan >"$d/rendered.txt"; then pass download-libreswan; else fail download-libreswan "curl failed"; fi
# The rendering holds the conn file and, after its ".secrets" comment, the secrets file; pluto
# gets them unchanged, the conn after a `config setup` section of ours (logging only).
{
  printf 'config setup\n    logfile=%s/pluto.log\n    plutodebug=none\n\n' "$d"
  sed '/^# \/etc\/ipsec.d\/.*\.secrets/,$d' "$d/rendered.txt"
} >"$d/ipsec.conf"
sed -n '/^# \/etc\/ipsec.d\/.*\.secrets/,$p' "$d/rendered.txt" >"$d/ipsec.secrets"
chmod 0600 "$d/ipsec.secrets"
certutil -N -d "sql:$d/nss" --empty-password >/dev/null 2>&1
vg_lines=$(wc -l <"$WORK/A/vpngw.log")
# pluto execs /usr/libexec/ipsec/addconn: overlay the unpacked tree there, in the namespace's
# private mount namespace only.
# shellcheck disable=SC2016  # expanded by the inner sh
ip netns exec "$NS_GB" sh -c 'mount -t tmpfs -o size=1m vpngw-libexec /usr/libexec &&
  mkdir /usr/libexec/ipsec && mount --bind "$1/usr/libexec/ipsec" /usr/libexec/ipsec &&
  shift && exec /usr/libexec/ipsec/pluto "$@"' sh "$LS" --nofork --config "$d/ipsec.conf" \
  --secretsfile "$d/ipsec.secrets" --nssdir "$d/nss" --rundir "$d/run" --dumpdir "$d/run" \
  --ipsecdir "$d" --logfile "$d/pluto.log" --no-dnssec >"$d/pluto.out" 2>&1 &
PIDS[ls]=$!
pluto_up() { [ -S "$d/run/pluto.ctl" ]; }
wait_for 10 pluto_up || fail pluto-started "$(tail -n 5 "$d/pluto.out")"
whack() { ip netns exec "$NS_GB" timeout 10 "$LS/usr/libexec/ipsec/whack" --ctlsocket "$d/run/pluto.ctl" "$@"; }
whack --listen >/dev/null 2>&1
ip netns exec "$NS_GB" timeout 10 "$LS/usr/libexec/ipsec/addconn" --config "$d/ipsec.conf" \
  --ctlsocket "$d/run/pluto.ctl" --autoall >"$d/addconn.out" 2>&1
check libreswan-conn-loaded "addconn refused the rendering: $(tail -n 3 "$d/addconn.out")" \
  grep -q '"t1"' <(whack --status 2>/dev/null)
ls_established() { grep -q "established IKE SA" "$d/pluto.log"; }
if wait_for 15 ls_established; then pass libreswan-ike-sa-established; else fail libreswan-ike-sa-established "$(grep -E 'IKE|failed|refus' "$d/pluto.log" | tail -n 5)"; fi
vg_established() { tail -n +"$((vg_lines + 1))" "$WORK/A/vpngw.log" | grep -q "IKE SA established with $WAN_B"; }
check vpngw-sees-libreswan-ike-sa "vpngw logged no IKE SA with $WAN_B" vg_established
log "libreswan: $(grep -m1 -o 'established IKE SA.*' "$d/pluto.log")"
stop_pid ls
vpngw_stop A
finish
