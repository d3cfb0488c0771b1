# lib.sh - network-namespace test harness for vpngw (source it from a scenario; do not run it).
#
# Topology (every link lives inside namespaces created here; nothing touches the root netns):
#
#   $P-hA 10.1.0.2 --- 10.1.0.1 $P-gA 198.18.1.1 ==== 198.18.1.2 $P-gB 10.2.0.1 --- 10.2.0.2 $P-hB
#
# $P is a short random prefix per process, so parallel and stale runs never collide. The public
# link uses 198.18.0.0/15 (RFC 2544 benchmark range); the LANs exist only inside the namespaces.
# Veth pairs are created inside one namespace with the peer moved straight into another, so no
# end ever appears in the root namespace; forwarding is enabled only inside the gateway namespaces.
#
# Safety rules kept by every helper: daemons are tracked and killed by PID; every wait loop is
# bounded both in iterations and in wall time; an EXIT trap always removes the namespaces.
#
# Typical scenario:
#   source "$(dirname "$0")/../lib.sh"
#   topo_up
#   charon_start gB "$NS_GB"; swan_conf gB side=b; swan_load gB
#   vpngw_conf gA side=a; vpngw_start gA "$NS_GA"
#   vg_wait_status gA t1 connected 20 && compare_vpngw_swan default gA t1 gB s2s
#   finish

set -u -o pipefail

NETNS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VPNGW_ROOT=$(cd "$NETNS_LIB_DIR/../.." && pwd)
VPNGW=${VPNGW:-$VPNGW_ROOT/build/vpngw}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-/usr/sbin/swanctl}
SCENARIO=${SCENARIO:-$(basename "$0" .sh)}
CASE=${CASE:-$SCENARIO}   # the name PASS/FAIL lines carry (scenario or scenario/sub-case)

WAN_A=198.18.1.1
WAN_B=198.18.1.2
HOST_A=10.1.0.2
HOST_B=10.2.0.2
PSK_DEFAULT=${NETNS_PSK:-vpngw-netns-0123456789abcdef}
# Where namespaces record their owning shell, so a later run can reap what a killed run left.
OWNER_DIR=${NETNS_OWNER_DIR:-/tmp/vpngw-netns-owners}

declare -A PIDS=()      # name -> pid of every process started here (daemons, helper loops)
declare -A NS_OF=()     # daemon name (gA, gB, ...) -> namespace it runs in
NPASS=0
NFAIL=0
T0=$(date +%s%N)

log() { printf '[%(%T)T] %s\n' -1 "$*" >&2; }
elapsed_s() { echo $((($(date +%s%N) - T0) / 1000000000)); }

# --- results ---------------------------------------------------------------------------------

pass() {
  echo "PASS $CASE/$1"
  NPASS=$((NPASS + 1))
}
fail() {
  echo "FAIL $CASE/$1: $2"
  NFAIL=$((NFAIL + 1))
}
# check NAME REASON CMD...: PASS when CMD succeeds, else FAIL with REASON.
check() {
  local name=$1 reason=$2
  shift 2
  if "$@"; then pass "$name"; else fail "$name" "$reason"; fi
}
# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# Prints the tails of every log in the work dir (called on failure).
dump_logs() {
  local f n=${LOG_TAIL_LINES:-40}
  for f in "$WORK"/*/charon.log "$WORK"/*/vpngw.log "$WORK"/*/*.out; do
    [ -s "$f" ] || continue
    echo "----- tail -n $n ${f#"$WORK"/} -----"
    tail -n "$n" "$f"
  done
  echo "----- work dir: $WORK -----"
}

# Ends the scenario: exit 0 only if at least one check passed and none failed.
finish() {
  if [ "$NFAIL" -eq 0 ] && [ "$NPASS" -eq 0 ]; then
    fail "checks" "scenario asserted nothing"
  fi
  log "$CASE: $NPASS passed, $NFAIL failed in $(elapsed_s) s"
  if [ "$NFAIL" -ne 0 ]; then
    dump_logs
    KEEP_WORK=1
    exit 1
  fi
  exit 0
}

# die REASON: a harness step failed; the scenario cannot continue.
die() {
  fail "harness" "$*"
  finish
}

require_root() { [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"; }
require_vpngw() { [ -x "$VPNGW" ] || die "vpngw binary not found or not executable: $VPNGW"; }
require_charon() { [ -x "$CHARON" ] && [ -x "$SWANCTL" ] || die "strongSwan not installed (run scripts/setup)"; }

# wait_for SECONDS CMD...: polls CMD every 0.25 s until it succeeds; bounded by count and time.
wait_for() {
  local secs=$1 i deadline
  shift
  deadline=$(($(date +%s) + secs))
  for ((i = 0; i < secs * 4 + 1; i++)); do
    "$@" && return 0
    [ "$(date +%s)" -le "$deadline" ] || break
    sleep 0.25
  done
  "$@"
}

# --- process tracking and cleanup ------------------------------------------------------------

# stop_pid NAME: SIGTERM, up to 5 s grace, then SIGKILL; only the PID we recorded.
stop_pid() {
  local name=$1 p=${PIDS[$1]:-} i
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  unset "PIDS[$name]"
  return 0
}

# Kills whatever still runs inside namespace NS (PIDs as listed by `ip netns pids`), then
# deletes it. Only ever called for namespaces this harness created.
ns_destroy() {
  local ns=$1 p
  ip netns list 2>/dev/null | grep -qw -- "^$ns" || return 0
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  return 0
}

cleanup() {
  local rc=$? n ns
  trap - EXIT INT TERM
  for n in "${!PIDS[@]}"; do stop_pid "$n"; done
  for ns in "${ALL_NS[@]}"; do ns_destroy "$ns"; done
  rm -f "$OWNER_DIR/$P"
  if [ -z "${NETNS_KEEP:-}" ] && [ -z "${KEEP_WORK:-}" ] && [ "$rc" -eq 0 ]; then
    rm -rf "$WORK"
  fi
  exit "$rc"
}

# Removes namespaces of earlier runs whose owning shell is gone (killed with SIGKILL, say).
# Only prefixes recorded in $OWNER_DIR are considered, so foreign namespaces are never touched.
reap_stale() {
  local f pfx pid ns
  [ -d "$OWNER_DIR" ] || return 0
  for f in "$OWNER_DIR"/*; do
    [ -f "$f" ] || continue
    pfx=$(basename "$f")
    pid=$(cat "$f" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -- "^$pfx-"); do
      log "reaping stale namespace $ns"
      ns_destroy "$ns"
    done
    rm -f "$f"
  done
}

new_prefix() {
  local p i
  for ((i = 0; i < 20; i++)); do
    p=vn$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    ip netns list 2>/dev/null | grep -q -- "^$p-" || { echo "$p"; return 0; }
  done
  return 1
}

# harness_init: per-process prefix, work dir, owner record and the cleanup trap. Runs when
# lib.sh is sourced, unless NETNS_LIB_NOINIT=1 (run.sh only wants the helpers).
harness_init() {
  P=${NETNS_PREFIX:-$(new_prefix)} || { echo "FAIL $CASE/harness: no free namespace prefix"; exit 1; }
  NS_HA=$P-hA
  NS_GA=$P-gA
  NS_GB=$P-gB
  NS_HB=$P-hB
  ALL_NS=()
  if [ -n "${NETNS_OUT:-}" ]; then
    WORK=$NETNS_OUT/${CASE//\//-}
    rm -rf "$WORK"
    mkdir -p "$WORK"
  else
    WORK=$(mktemp -d "/tmp/vpngw-netns.${CASE//\//-}.XXXXXX")
  fi
  KEEP_WORK=""
  mkdir -p "$OWNER_DIR"
  echo $$ >"$OWNER_DIR/$P"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
[ -n "${NETNS_LIB_NOINIT:-}" ] || harness_init

# --- topology --------------------------------------------------------------------------------

ns_new() {
  local ns=$1
  ip netns add "$ns" || return 1
  ALL_NS+=("$ns")
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

# topo_up: the four namespaces. Extra LAN addresses for multi-subnet cases:
#   LAN_A_EXTRA="10.1.1.1/24" LAN_B_EXTRA="10.3.0.1/24 10.4.0.1/24" topo_up
# (strongSwan's kernel-libipsec needs a local address inside each local_ts to install routes.)
topo_up() {
  local ns a
  require_root
  for ns in "$NS_HA" "$NS_GA" "$NS_GB" "$NS_HB"; do ns_new "$ns" || die "cannot create namespace $ns"; done
  ip -n "$NS_HA" link add eth0 type veth peer name lan netns "$NS_GA" &&
    ip -n "$NS_GA" link add wan type veth peer name wan netns "$NS_GB" &&
    ip -n "$NS_HB" link add eth0 type veth peer name lan netns "$NS_GB" || die "cannot create veth pairs"
  ip -n "$NS_HA" addr add "$HOST_A/24" dev eth0
  ip -n "$NS_GA" addr add 10.1.0.1/24 dev lan
  ip -n "$NS_GA" addr add "$WAN_A/24" dev wan
  ip -n "$NS_GB" addr add "$WAN_B/24" dev wan
  ip -n "$NS_GB" addr add 10.2.0.1/24 dev lan
  ip -n "$NS_HB" addr add "$HOST_B/24" dev eth0
  for a in ${LAN_A_EXTRA:-}; do ip -n "$NS_GA" addr add "$a" dev lan; done
  for a in ${LAN_B_EXTRA:-}; do ip -n "$NS_GB" addr add "$a" dev lan; done
  ip -n "$NS_HA" link set eth0 up
  ip -n "$NS_HB" link set eth0 up
  for ns in "$NS_GA" "$NS_GB"; do
    ip -n "$ns" link set lan up
    ip -n "$ns" link set wan up
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 >/dev/null   # per-namespace sysctl
  done
  ip -n "$NS_HA" route add default via 10.1.0.1
  ip -n "$NS_HB" route add default via 10.2.0.1
  wait_for 5 ip netns exec "$NS_GA" ping -c 1 -W 1 -q "$WAN_B" >/dev/null 2>&1 ||
    die "public link $WAN_A -> $WAN_B does not answer"
  log "topology $P up (work dir $WORK)"
}

# One lone namespace (for tests that need no links, e.g. config errors).
topo_single() {
  require_root
  ns_new "$NS_GA" || die "cannot create namespace $NS_GA"
}

# --- strongSwan (charon + swanctl) -----------------------------------------------------------
# One charon per gateway namespace: its own strongswan.conf through STRONGSWAN_CONF, its vici
# socket in the work dir, and a private /run (bind mount inside ip-netns-exec's private mount
# namespace) because /var/run/charon.pid is compiled in. kernel-libipsec (userspace ESP, this
# kernel has no ESP) must load before kernel-netlink; kdf is required by 5.9.8's IKEv2 PRF+.

charon_conf() {   # NAME [extra charon settings]
  local name=$1 extra=${2:-} d dir=$WORK/$1
  mkdir -p "$dir/run"
  for d in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
    mkdir -p "$dir/$d"   # swanctl --load-all looks for these next to swanctl.conf
  done
  cat >"$dir/strongswan.conf" <<EOF
charon {
  load = random nonce openssl kdf pem pkcs1 x509 pubkey curve25519 kernel-libipsec kernel-netlink socket-default vici
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  retransmit_tries = ${SWAN_RETRANSMIT_TRIES:-3}
  retransmit_timeout = 2.0
  plugins {
    vici { socket = unix://$dir/charon.vici }
  }
  filelog {
    main {
      path = $dir/charon.log
      time_format = %T
      time_add_ms = yes
      flush_line = yes
      default = 1
      ike = 2
      cfg = 2
      ike_name = yes
      append = no
    }
  }
  syslog { daemon { default = -1 } auth { default = -1 } }
  $extra
}
swanctl { load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey }
EOF
}

# charon_start NAME NS: starts charon in NS and waits (bounded) for its vici socket.
charon_start() {
  local name=$1 ns=$2 dir=$WORK/$1 i
  require_charon
  [ -f "$dir/strongswan.conf" ] || charon_conf "$name"
  rm -f "$dir/charon.vici"   # a stale socket would look ready
  # shellcheck disable=SC2016  # $1..$3 are expanded by the inner sh
  ip netns exec "$ns" sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" "$3"' \
    sh "$dir/run" "$dir/strongswan.conf" "$CHARON" >"$dir/charon.out" 2>&1 &
  PIDS[$name]=$!
  NS_OF[$name]=$ns
  for ((i = 0; i < 100; i++)); do
    [ -S "$dir/charon.vici" ] && sw "$name" --stats >/dev/null 2>&1 && return 0
    kill -0 "${PIDS[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  die "charon $name did not come up: $(tail -n 5 "$dir/charon.out" 2>/dev/null)"
}

charon_stop() { stop_pid "$1"; }

# sw NAME --command [args]: swanctl against one charon (5.9.8 wants --uri after the command).
sw() {
  local name=$1 cmd=$2
  shift 2
  STRONGSWAN_CONF="$WORK/$name/strongswan.conf" timeout 30 "$SWANCTL" "$cmd" \
    --uri "unix://$WORK/$name/charon.vici" "$@"
}

# swan_conf NAME key=value...: writes $WORK/NAME/swanctl.conf with one connection.
#   side=a|b          defaults for addresses, ids and subnets (a = gwA, b = gwB)
#   conn=s2s version=2 proposals=aes128-sha1-modp1024 esp=aes128-sha1-modp1024 ah=
#   local_addrs remote_addrs local_id remote_id psk (remote side's secret when they differ:
#   psk_remote=...) local_ts remote_ts (space-separated lists)
#   per_pair=no|yes   yes: one child per (local, remote) subnet pair, named net1, net2, ...
#   start_action=none|start|trap  aggressive=no  keyingtries=1  rekey_time= (IKE)
#   mobike= (empty: strongSwan's default, yes)  child_rekey_time= (CHILD SA rekey, e.g. 12s)
#   dpd_delay= (strongSwan's own DPD, with dpd_action = restart on the children)
swan_conf() {
  local name=$1
  shift
  local -A o=([side]=b [conn]=s2s [version]=2 [proposals]=aes128-sha1-modp1024
    [esp]=aes128-sha1-modp1024 [ah]="" [start_action]=none [aggressive]=no [keyingtries]=1
    [per_pair]=no [mobike]="" [rekey_time]="" [child_rekey_time]="" [dpd_delay]=""
    [psk]="$PSK_DEFAULT")
  local kv
  for kv in "$@"; do o[${kv%%=*}]=${kv#*=}; done
  if [ "${o[side]}" = a ]; then
    : "${o[local_addrs]:=$WAN_A}" "${o[remote_addrs]:=$WAN_B}" "${o[local_ts]:=10.1.0.0/24}" \
      "${o[remote_ts]:=10.2.0.0/24}"
  else
    : "${o[local_addrs]:=$WAN_B}" "${o[remote_addrs]:=$WAN_A}" "${o[local_ts]:=10.2.0.0/24}" \
      "${o[remote_ts]:=10.1.0.0/24}"
  fi
  : "${o[local_id]:=${o[local_addrs]}}" "${o[remote_id]:=${o[remote_addrs]}}"
  local child_prop="esp_proposals = ${o[esp]}"
  [ -z "${o[ah]}" ] || child_prop="ah_proposals = ${o[ah]}"
  [ -z "${o[child_rekey_time]}" ] || child_prop+="
              rekey_time = ${o[child_rekey_time]}"
  [ -z "${o[dpd_delay]}" ] || child_prop+="
              dpd_action = restart"
  local lts rts children="" n=0 l r
  if [ "${o[per_pair]}" = yes ]; then
    for l in ${o[local_ts]}; do
      for r in ${o[remote_ts]}; do
        n=$((n + 1))
        children+="      net$n { local_ts = $l
              remote_ts = $r
              $child_prop
              start_action = ${o[start_action]} }
"
      done
    done
  else
    # shellcheck disable=SC2086  # space-separated lists on purpose
    lts=$(printf '%s\n' ${o[local_ts]} | paste -sd,)
    # shellcheck disable=SC2086
    rts=$(printf '%s\n' ${o[remote_ts]} | paste -sd,)
    children="      net { local_ts = $lts
            remote_ts = $rts
            $child_prop
            start_action = ${o[start_action]} }
"
  fi
  local rekey="" mobike=""
  [ -z "${o[rekey_time]}" ] || rekey="rekey_time = ${o[rekey_time]}"
  [ -z "${o[mobike]}" ] || mobike="mobike = ${o[mobike]}"
  [ -z "${o[dpd_delay]}" ] || mobike+="
    dpd_delay = ${o[dpd_delay]}"
  grep -v '^ *$' >"$WORK/$name/swanctl.conf" <<EOF
connections {
  ${o[conn]} {
    version = ${o[version]}
    aggressive = ${o[aggressive]}
    $mobike
    keyingtries = ${o[keyingtries]}
    local_addrs = ${o[local_addrs]}
    remote_addrs = ${o[remote_addrs]}
    proposals = ${o[proposals]}
    $rekey
    local { auth = psk
            id = ${o[local_id]} }
    remote { auth = psk
             id = ${o[remote_id]} }
    children {
$children    }
  }
}
secrets {
  ike-${o[conn]} { id-1 = ${o[local_id]}
           id-2 = ${o[remote_id]}
           secret = "${o[psk]}" }
}
EOF
}

swan_load() {   # NAME
  sw "$1" --load-all --noprompt --file "$WORK/$1/swanctl.conf" >"$WORK/$1/load.out" 2>&1 ||
    die "swanctl --load-all on $1 failed: $(tail -n 3 "$WORK/$1/load.out")"
}

# swan_initiate NAME CHILD [IKE] [TIMEOUT]: blocking initiate; returns swanctl's status.
swan_initiate() {
  local name=$1 child=$2 ike=${3:-s2s} t=${4:-10}
  sw "$name" --initiate --child "$child" --ike "$ike" --timeout "$t" >>"$WORK/$name/initiate.out" 2>&1
}

# swan_children NAME: the child names in NAME's swanctl.conf (net, or net1 net2 ...).
swan_children() {
  awk '/^ *net[0-9]* *\{/{print $1}' "$WORK/$1/swanctl.conf"
}

# Starts a background loop that initiates every child of NAME every PERIOD seconds, COUNT
# times (used when strongSwan is the initiator of a failing negotiation). Tracked as NAME-loop.
swan_initiate_loop() {   # NAME COUNT PERIOD [IKE]
  local name=$1 count=$2 period=$3 ike=${4:-s2s}
  (
    for ((k = 0; k < count; k++)); do
      for c in $(swan_children "$name"); do swan_initiate "$name" "$c" "$ike" 5; done
      sleep "$period"
    done
  ) &
  PIDS[$name-loop]=$!
}

# swan_sas NAME: the IKE SAs of NAME as a JSON array (`swanctl --list-sas --pretty` to JSON):
# [{"name": "s2s", "state": "ESTABLISHED", "initiator-spi": ..., "child-sas": {...}}, ...]
swan_sas() {
  sw "$1" --list-sas --pretty 2>/dev/null | awk '
    function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
    function sep() { if (!first[d]) printf ","; first[d] = 0 }
    function open_(c) { d++; first[d] = 1; printf "%s", c }
    BEGIN { d = 0; first[0] = 1; printf "[" }
    { line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line) }
    line == "" { next }
    skip > 0 { if (line ~ /\{$/) skip++; else if (line == "}") skip--; next }
    d == 0 && line != "list-sa event {" { if (line ~ /\{$/) skip = 1; next }
    line == "}" || line == "]" { d--; printf "%s", line; next }
    d == 0 { sep(); open_("{"); next }
    line ~ / \{$/ { k = line; sub(/ \{$/, "", k); sep(); printf "%s:", q(k); open_("{"); next }
    line ~ / = \[$/ { k = line; sub(/ = \[$/, "", k); sep(); printf "%s:", q(k); open_("["); next }
    line ~ / = / { k = line; sub(/ = .*/, "", k); v = line; sub(/^[^=]* = /, "", v)
                   sep(); printf "%s:%s", q(k), q(v); next }
    { sep(); printf "%s", q(line) }
    END { print "]" }' | jq -c 'map(to_entries[] | .value + {name: .key})'
}

# swan_ike NAME CONN: the JSON object of CONN's ESTABLISHED IKE SA (first one), or nothing.
swan_ike() {
  swan_sas "$1" | jq -c --arg c "$2" 'map(select(.name == $c and .state == "ESTABLISHED")) | .[0] // empty'
}

# swan_installed_count NAME CONN: number of INSTALLED children under CONN's IKE SAs.
swan_installed_count() {
  swan_sas "$1" | jq --arg c "$2" \
    '[.[] | select(.name == $c) | (.["child-sas"] // {}) | to_entries[] | select(.value.state == "INSTALLED")] | length'
}

# strongSwan-style algorithm strings of an IKE SA / child object, e.g.
# AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024 and AES_GCM_16-128.
JQ_ALGS='def algs: [(.["encr-alg"] // empty) + (if .["encr-keysize"] then "-" + .["encr-keysize"] else "" end),
  .["integ-alg"] // empty, .["prf-alg"] // empty, .["dh-group"] // empty] | join("/");'
swan_ike_algs() {   # NAME CONN
  swan_ike "$1" "$2" | jq -r "$JQ_ALGS algs"
}
# swan_child_algs NAME CONN: algorithms of the INSTALLED children, one line each (sorted, unique).
swan_child_algs() {
  swan_ike "$1" "$2" | jq -r "$JQ_ALGS"' .["child-sas"][] | select(.state == "INSTALLED") | algs' | sort -u
}

swan_established() {   # NAME CONN [MIN_CHILDREN]
  local n
  n=$(swan_installed_count "$1" "$2" 2>/dev/null) || return 1
  [ -n "$(swan_ike "$1" "$2")" ] && [ "${n:-0}" -ge "${3:-1}" ]
}

# --- vpngw -----------------------------------------------------------------------------------

# vpngw_conf NAME key=value...: writes $WORK/NAME/vpngw.yaml with one gateway, one customer
# gateway and one tunnel (the vpngw YAML schema).
#   side=a|b  tunnel=t1  gw_name cgw_name public_ip cgw_ip vpc_subnets lan_ip
#   local_subnets remote_subnets (space-separated)  psk  initiator=true  route_mode=policy
#   per_pair=false  ike_version=v2 ike_enc=aes128 ike_auth=sha1 dh=2 local_id remote_id
#   ike_lifetime=86400  protocol=esp esp_enc=aes128 esp_auth=sha1 (empty: omitted) pfs=2
#   esp_lifetime=86400   raw_tunnel_extra (YAML lines appended to the tunnel, 4-space indent)
vpngw_conf() {
  local name=$1
  shift
  local -A o=([side]=a [tunnel]=t1 [psk]="$PSK_DEFAULT" [initiator]=true [route_mode]=policy
    [per_pair]=false [ike_version]=v2 [ike_enc]=aes128 [ike_auth]=sha1 [dh]=2 [ike_lifetime]=86400
    [protocol]=esp [esp_enc]=aes128 [esp_auth]=sha1 [pfs]=2 [esp_lifetime]=86400 [local_id]=""
    [remote_id]="" [raw_tunnel_extra]="")
  local kv
  for kv in "$@"; do o[${kv%%=*}]=${kv#*=}; done
  if [ "${o[side]}" = a ]; then
    : "${o[gw_name]:=gw-a}" "${o[cgw_name]:=site-b}" "${o[public_ip]:=$WAN_A}" \
      "${o[cgw_ip]:=$WAN_B}" "${o[vpc_subnets]:=10.1.0.0/16}" "${o[lan_ip]:=10.1.0.1}" \
      "${o[local_subnets]:=10.1.0.0/24}" "${o[remote_subnets]:=10.2.0.0/24}"
  else
    : "${o[gw_name]:=gw-b}" "${o[cgw_name]:=site-a}" "${o[public_ip]:=$WAN_B}" \
      "${o[cgw_ip]:=$WAN_A}" "${o[vpc_subnets]:=10.2.0.0/16 10.3.0.0/16 10.4.0.0/16}" \
      "${o[lan_ip]:=10.2.0.1}" "${o[local_subnets]:=10.2.0.0/24}" "${o[remote_subnets]:=10.1.0.0/24}"
  fi
  # shellcheck disable=SC2086  # $1 is a space-separated list on purpose
  yaml_list() { local s; s=$(printf '%s, ' $1); echo "[${s%, }]"; }
  mkdir -p "$WORK/$name/state"
  {
    echo "gateways:"
    echo "  - name: ${o[gw_name]}"
    echo "    public_ip: ${o[public_ip]}"
    echo "    vpc_subnets: $(yaml_list "${o[vpc_subnets]}")"
    echo "    lan_ip: ${o[lan_ip]}"
    echo "customer_gateways:"
    echo "  - name: ${o[cgw_name]}"
    echo "    ip: ${o[cgw_ip]}"
    echo "tunnels:"
    echo "  - name: ${o[tunnel]}"
    echo "    gateway: ${o[gw_name]}"
    echo "    customer_gateway: ${o[cgw_name]}"
    echo "    local_subnets: $(yaml_list "${o[local_subnets]}")"
    echo "    remote_subnets: $(yaml_list "${o[remote_subnets]}")"
    echo "    psk: \"${o[psk]}\""
    echo "    initiator: ${o[initiator]}"
    echo "    route_mode: ${o[route_mode]}"
    echo "    child_sa_per_subnet_pair: ${o[per_pair]}"
    echo "    ike:"
    echo "      version: ${o[ike_version]}"
    echo "      encryption: ${o[ike_enc]}"
    echo "      authentication: ${o[ike_auth]}"
    echo "      dh_group: ${o[dh]}"
    [ -z "${o[local_id]}" ] || echo "      local_id: ${o[local_id]}"
    [ -z "${o[remote_id]}" ] || echo "      remote_id: ${o[remote_id]}"
    echo "      lifetime: ${o[ike_lifetime]}"
    echo "    ipsec:"
    echo "      protocol: ${o[protocol]}"
    [ -z "${o[esp_enc]}" ] || echo "      encryption: ${o[esp_enc]}"
    [ -z "${o[esp_auth]}" ] || echo "      authentication: ${o[esp_auth]}"
    echo "      pfs: ${o[pfs]}"
    echo "      lifetime: ${o[esp_lifetime]}"
    [ -z "${o[raw_tunnel_extra]}" ] || printf '%s\n' "${o[raw_tunnel_extra]}"
  } >"$WORK/$name/vpngw.yaml"
}

# vg NAME ARGS...: runs the vpngw CLI inside NAME's namespace (bounded by a timeout).
vg() {
  local name=$1
  shift
  ip netns exec "${NS_OF[$name]}" timeout 10 "$VPNGW" "$@"
}

# vpngw_start NAME NS [extra serve args]: starts `vpngw serve` in NS, waits until
# `vpngw status` answers (10 s at most).
vpngw_start() {
  local name=$1 ns=$2 dir=$WORK/$1 i
  shift 2
  require_vpngw
  [ -f "$dir/vpngw.yaml" ] || die "vpngw_start $name: no config (call vpngw_conf first)"
  NS_OF[$name]=$ns
  ip netns exec "$ns" "$VPNGW" serve --config "$dir/vpngw.yaml" --state-dir "$dir/state" \
    --log-level debug "$@" >"$dir/vpngw.log" 2>&1 &
  PIDS[$name]=$!
  for ((i = 0; i < 50; i++)); do
    vg "$name" status --state-dir "$dir/state" >/dev/null 2>&1 && return 0
    kill -0 "${PIDS[$name]}" 2>/dev/null || break
    sleep 0.2
  done
  die "vpngw $name did not become ready: $(tail -n 5 "$dir/vpngw.log" 2>/dev/null)"
}

vpngw_stop() { stop_pid "$1"; }

# vg_status NAME [ARGS]: `vpngw status` of NAME; ARGS default to --json.
vg_status() {
  local name=$1
  shift
  [ $# -gt 0 ] || set -- --json
  vg "$name" status --state-dir "$WORK/$name/state" "$@"
}

# vg_tunnel NAME TUNNEL: the tunnel's JSON object.
vg_tunnel() {
  vg_status "$1" | jq -c --arg t "$2" '.tunnels[] | select(.name == $t)'
}

# vg_field NAME TUNNEL JQ-FILTER: e.g. vg_field gA t1 .connection_status
vg_field() {
  vg_tunnel "$1" "$2" | jq -r "$3"
}

vg_is() {   # NAME TUNNEL STATUS
  [ "$(vg_field "$1" "$2" .connection_status 2>/dev/null)" = "$3" ]
}

# vg_wait_status NAME TUNNEL STATUS SECONDS [CHECKNAME]: waits, records PASS/FAIL.
vg_wait_status() {
  local name=$1 t=$2 want=$3 secs=$4 check=${5:-$1-$3} start got
  start=$(date +%s)
  if wait_for "$secs" vg_is "$name" "$t" "$want"; then
    pass "$check ($(($(date +%s) - start)) s)"
    return 0
  fi
  got=$(vg_tunnel "$name" "$t" 2>/dev/null | jq -c '{connection_status, last_error, diagnosis}' 2>/dev/null)
  fail "$check" "not $want within $secs s: ${got:-no status}"
  return 1
}

# Lowercase, no 0x, left-padded with zeros to WIDTH hex digits.
norm_hex() {   # VALUE WIDTH
  local v=${1,,}
  v=${v#0x}
  while [ ${#v} -lt "$2" ]; do v=0$v; done
  echo "$v"
}

# Sorted, comma-joined form of a JSON array of traffic selectors.
ts_set() { jq -r 'sort | join(",")'; }

# compare_vpngw_swan CHECK VGNAME TUNNEL SWNAME CONN: vpngw's IKE SA and CHILD SAs are exactly
# strongSwan's (same IKE SPIs; each vpngw child has a strongSwan child with crossed SPIs and
# mirrored selectors, INSTALLED; same number of children on both sides).
compare_vpngw_swan() {
  local check=$1 vgn=$2 t=$3 swn=$4 conn=$5 vt sike
  vt=$(vg_tunnel "$vgn" "$t") || { fail "$check" "no vpngw status"; return 1; }
  sike=$(swan_ike "$swn" "$conn")
  [ -n "$sike" ] || { fail "$check" "strongSwan has no ESTABLISHED IKE SA '$conn'"; return 1; }
  echo "$vt" >"$WORK/$check.vpngw.json"
  echo "$sike" >"$WORK/$check.swan.json"
  local ok=1 vi vr si sr
  vi=$(norm_hex "$(jq -r '.ike_sa.spi_i // ""' <<<"$vt")" 16)
  vr=$(norm_hex "$(jq -r '.ike_sa.spi_r // ""' <<<"$vt")" 16)
  si=$(norm_hex "$(jq -r '.["initiator-spi"]' <<<"$sike")" 16)
  sr=$(norm_hex "$(jq -r '.["responder-spi"]' <<<"$sike")" 16)
  if [ "$vi/$vr" = "$si/$sr" ]; then
    pass "$check-ike-spis ($vi/$vr)"
  else
    fail "$check-ike-spis" "vpngw $vi/$vr, strongSwan $si/$sr"
    ok=0
  fi
  [ "$(jq -r '.version' <<<"$sike")" = 2 ] || { fail "$check-ike-version" "strongSwan IKE SA is not IKEv2"; ok=0; }
  # children: strongSwan's out SPI is vpngw's in SPI and vice versa.
  local nv ns i c_in c_out c_lts c_rts match
  nv=$(jq '.child_sas | length' <<<"$vt")
  ns=$(jq '[(.["child-sas"] // {}) | to_entries[] | select(.value.state == "INSTALLED")] | length' <<<"$sike")
  if [ "$nv" -ge 1 ] && [ "$nv" = "$ns" ]; then
    pass "$check-child-count ($nv)"
  else
    fail "$check-child-count" "vpngw has $nv CHILD SAs, strongSwan $ns INSTALLED"
    ok=0
  fi
  for ((i = 0; i < nv; i++)); do
    c_in=$(norm_hex "$(jq -r ".child_sas[$i].spi_in" <<<"$vt")" 8)
    c_out=$(norm_hex "$(jq -r ".child_sas[$i].spi_out" <<<"$vt")" 8)
    c_lts=$(jq -c ".child_sas[$i].local_ts" <<<"$vt" | ts_set)
    c_rts=$(jq -c ".child_sas[$i].remote_ts" <<<"$vt" | ts_set)
    match=$(jq -c --arg in "$c_in" --arg out "$c_out" '[(.["child-sas"] // {}) | to_entries[] | .value
        | select((.["spi-in"] | ascii_downcase | ltrimstr("0x")) == $out
             and (.["spi-out"] | ascii_downcase | ltrimstr("0x")) == $in)] | .[0] // empty' <<<"$sike")
    if [ -z "$match" ]; then
      fail "$check-child$i-spis" "no strongSwan child with in=$c_out out=$c_in"
      ok=0
      continue
    fi
    pass "$check-child$i-spis (in $c_in / out $c_out)"
    local s_state s_lts s_rts
    s_state=$(jq -r '.state' <<<"$match")
    s_lts=$(jq -c '.["local-ts"]' <<<"$match" | ts_set)
    s_rts=$(jq -c '.["remote-ts"]' <<<"$match" | ts_set)
    [ "$s_state" = INSTALLED ] || { fail "$check-child$i-state" "strongSwan child is $s_state"; ok=0; }
    if [ "$c_lts" = "$s_rts" ] && [ "$c_rts" = "$s_lts" ]; then
      pass "$check-child$i-ts ($c_lts <-> $c_rts)"
    else
      fail "$check-child$i-ts" "vpngw $c_lts <-> $c_rts, strongSwan remote $s_rts local $s_lts"
      ok=0
    fi
  done
  [ "$ok" = 1 ]
}

# compare_vpngw_vpngw CHECK NAME1 TUNNEL1 NAME2 TUNNEL2: both vpngw see the same IKE SA and
# crossed CHILD SA SPIs with mirrored selectors.
compare_vpngw_vpngw() {
  local check=$1 a b
  a=$(vg_tunnel "$2" "$3") && b=$(vg_tunnel "$4" "$5") || { fail "$check" "no vpngw status"; return 1; }
  echo "$a" >"$WORK/$check.$2.json"
  echo "$b" >"$WORK/$check.$4.json"
  local ai ar bi br
  ai=$(norm_hex "$(jq -r '.ike_sa.spi_i // ""' <<<"$a")" 16)
  ar=$(norm_hex "$(jq -r '.ike_sa.spi_r // ""' <<<"$a")" 16)
  bi=$(norm_hex "$(jq -r '.ike_sa.spi_i // ""' <<<"$b")" 16)
  br=$(norm_hex "$(jq -r '.ike_sa.spi_r // ""' <<<"$b")" 16)
  if [ "$ai/$ar" = "$bi/$br" ] && [ "$ai" != 0000000000000000 ]; then
    pass "$check-ike-spis ($ai/$ar)"
  else
    fail "$check-ike-spis" "$2 $ai/$ar, $4 $bi/$br"
  fi
  # One canonical line per child, written from side A's point of view: in,out,lts,rts.
  local ca cb
  ca=$(jq -r '.child_sas[] | [.spi_in, .spi_out, (.local_ts | sort | join(",")),
      (.remote_ts | sort | join(","))] | join(" ")' <<<"$a" | sort)
  cb=$(jq -r '.child_sas[] | [.spi_out, .spi_in, (.remote_ts | sort | join(",")),
      (.local_ts | sort | join(","))] | join(" ")' <<<"$b" | sort)
  if [ -n "$ca" ] && [ "$ca" = "$cb" ]; then
    pass "$check-child-spis ($(echo "$ca" | wc -l) crossed)"
  else
    fail "$check-child-spis" "$2: [${ca//$'\n'/; }] vs $4 (crossed): [${cb//$'\n'/; }]"
  fi
}

# compare_swan_swan CHECK NAME1 NAME2 CONN: two charons agree on the IKE SA and the children
# (used by selftest.sh to prove the harness itself, independent of vpngw).
compare_swan_swan() {
  local check=$1 a b
  a=$(swan_ike "$2" "$4")
  b=$(swan_ike "$3" "$4")
  [ -n "$a" ] && [ -n "$b" ] || { fail "$check" "IKE SA not ESTABLISHED on both sides"; return 1; }
  local ka kb
  ka=$(jq -r '[.["initiator-spi"], .["responder-spi"]] | join("/")' <<<"$a")
  kb=$(jq -r '[.["initiator-spi"], .["responder-spi"]] | join("/")' <<<"$b")
  expect_eq "$check-ike-spis" "$ka" "$kb"
  local ca cb
  ca=$(jq -r '.["child-sas"][] | select(.state == "INSTALLED") | [.["spi-in"], .["spi-out"],
      (.["local-ts"] | sort | join(",")), (.["remote-ts"] | sort | join(","))] | join(" ")' <<<"$a" | sort)
  cb=$(jq -r '.["child-sas"][] | select(.state == "INSTALLED") | [.["spi-out"], .["spi-in"],
      (.["remote-ts"] | sort | join(",")), (.["local-ts"] | sort | join(","))] | join(" ")' <<<"$b" | sort)
  if [ -n "$ca" ] && [ "$ca" = "$cb" ]; then
    pass "$check-children ($(echo "$ca" | wc -l) crossed)"
  else
    fail "$check-children" "$2: [${ca//$'\n'/; }] vs $3 (crossed): [${cb//$'\n'/; }]"
  fi
}

# --- scenario building blocks ----------------------------------------------------------------

split_args() {   # fills VARGS (before --) and SARGS (after --) from "$@"
  VARGS=()
  SARGS=()
  local x cur=v
  for x in "$@"; do
    if [ "$x" = -- ] && [ "$cur" = v ]; then cur=s; continue; fi
    if [ "$cur" = v ]; then VARGS+=("$x"); else SARGS+=("$x"); fi
  done
}

vg_child_count() { vg_field "$1" "$2" '.child_sas | length' 2>/dev/null; }

# children_ready VGNAME TUNNEL SWNAME CONN N: both sides have at least N CHILD SAs up.
children_ready() {
  local v s
  v=$(vg_child_count "$1" "$2")
  s=$(swan_installed_count "$3" "$4" 2>/dev/null)
  [ "${v:-0}" -ge "$5" ] && [ "${s:-0}" -ge "$5" ]
}

# swan_idle NAME: charon NAME has no IKE SA left.
swan_idle() { [ "$(swan_sas "$1" | jq length)" = 0 ]; }

# swan_reset NAME: terminates every IKE SA of NAME and waits (5 s) until none is left.
swan_reset() {
  local id
  for id in $(swan_sas "$1" | jq -r '.[].uniqueid'); do
    sw "$1" --terminate --ike-id "$id" --force --timeout 2 >/dev/null 2>&1
  done
  wait_for 5 swan_idle "$1"
}

# interop_case NAME ROLE [vpngw_conf args] -- [swan_conf args]
# vpngw on gwA against the charon "gB" (already started) on gwB.
#   ROLE  vpngw: vpngw initiates (initiator: true);  swan: strongSwan initiates every child
#         (vpngw initiator: false).
#   env   WANT_IKE / WANT_ESP: algorithms strongSwan must show (swan_ike_algs/swan_child_algs)
#         WANT_CHILDREN (1): CHILD SAs expected on both sides
#         CHECK_DELETE=1: after vpngw stops, strongSwan must have no SA within 5 s (Delete sent)
#         CONNECT_TIMEOUT (20 s)
interop_case() {
  local name=$1 role=$2 vn="A-$1" init=true c
  shift 2
  split_args "$@"
  [ "$role" = swan ] && init=false
  log "--- case $name (initiator: $role)"
  swan_conf gB side=b "${SARGS[@]}"
  swan_load gB
  vpngw_conf "$vn" side=a initiator=$init "${VARGS[@]}"
  vpngw_start "$vn" "$NS_GA"
  if [ "$role" = swan ]; then
    for c in $(swan_children gB); do
      swan_initiate gB "$c" s2s 10 ||
        fail "$name-swan-initiate-$c" "swanctl --initiate failed: $(tail -n 1 "$WORK/gB/initiate.out")"
    done
  fi
  if vg_wait_status "$vn" t1 connected "${CONNECT_TIMEOUT:-20}" "$name-connected"; then
    local want=${WANT_CHILDREN:-1}
    wait_for 15 children_ready "$vn" t1 gB s2s "$want" ||
      fail "$name-children-ready" "want $want CHILD SAs: vpngw $(vg_child_count "$vn" t1), strongSwan $(swan_installed_count gB s2s)"
    compare_vpngw_swan "$name" "$vn" t1 gB s2s
    expect_eq "$name-vpngw-ike-version" v2 "$(vg_field "$vn" t1 '.ike_sa.version')"
    [ -z "${WANT_IKE:-}" ] || expect_eq "$name-ike-algs" "$WANT_IKE" "$(swan_ike_algs gB s2s)"
    [ -z "${WANT_ESP:-}" ] || expect_eq "$name-esp-algs" "$WANT_ESP" "$(swan_child_algs gB s2s | head -n 1)"
    log "$name: vpngw algorithms: ike $(vg_field "$vn" t1 '.ike_sa.algorithms') esp $(vg_field "$vn" t1 '[.child_sas[].algorithms] | unique | join(",")')"
  fi
  vpngw_stop "$vn"
  if [ -n "${CHECK_DELETE:-}" ]; then
    if wait_for 5 swan_idle gB; then
      pass "$name-delete-on-shutdown"
    else
      fail "$name-delete-on-shutdown" "strongSwan still has SAs 5 s after vpngw stopped"
    fi
  fi
  swan_reset gB || fail "$name-reset" "strongSwan SAs could not be removed"
}

# expect_failure NAME VGNAME TUNNEL STATUS CODES SECONDS: waits until the tunnel shows STATUS
# (phase1_failed / phase2_failed) and checks diagnosis.code is one of CODES ("a|b").
expect_failure() {
  local name=$1 vn=$2 t=$3 want=$4 codes=$5 secs=$6 start got code
  start=$(date +%s)
  if ! wait_for "$secs" vg_is "$vn" "$t" "$want"; then
    got=$(vg_tunnel "$vn" "$t" 2>/dev/null | jq -c '{connection_status, last_error, diagnosis}' 2>/dev/null)
    fail "$name-$want" "not $want within $secs s: ${got:-no status}"
    return 1
  fi
  pass "$name-$want ($(($(date +%s) - start)) s)"
  code=$(vg_field "$vn" "$t" '.diagnosis.code')
  if [[ "|$codes|" == *"|$code|"* ]]; then
    pass "$name-diagnosis ($code: $(vg_field "$vn" "$t" '.diagnosis.text'))"
  else
    fail "$name-diagnosis" "expected $codes, got '$code' ($(vg_field "$vn" "$t" '.diagnosis.text'); last_error: $(vg_field "$vn" "$t" '.last_error'))"
  fi
  # `vpngw diagnose` names the same cause and says what to fix.
  local dj
  dj=$(vg "$vn" diagnose "$t" --state-dir "$WORK/$vn/state" --json 2>&1)
  if [ "$(jq -r '.code' <<<"$dj" 2>/dev/null)" = "$code" ] &&
    [ "$(jq '.fixes | length' <<<"$dj" 2>/dev/null)" -gt 0 ]; then
    pass "$name-diagnose-command (fix: $(jq -r '.fixes[0]' <<<"$dj" | cut -c1-80)...)"
  else
    fail "$name-diagnose-command" "vpngw diagnose said: $dj"
  fi
  [ "$(vg_field "$vn" "$t" '.health')" = 0 ] && pass "$name-health-0" ||
    fail "$name-health-0" "health is $(vg_field "$vn" "$t" '.health') while $want"
  return 0
}
