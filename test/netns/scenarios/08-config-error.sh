#!/usr/bin/env bash
# 08: invalid configurations: `vpngw serve` refuses them with exit status 2 and a message that
# names the offending field. Runs in a lone namespace so nothing is bound in the root one.
source "$(dirname "$0")/../lib.sh"
require_vpngw
topo_single

# bad_config NAME FIELD SED-EXPRESSION: edits a valid config, expects exit 2 naming FIELD.
bad_config() {
  local name=$1 field=$2 expr=$3 dir=$WORK/cfg-$1 rc
  vpngw_conf "cfg-$1" side=a
  sed -i "$expr" "$dir/vpngw.yaml"
  cmp -s "$dir/vpngw.yaml" "$WORK/good/vpngw.yaml" && { fail "$name" "test bug: sed changed nothing"; return; }
  ip netns exec "$NS_GA" timeout 10 "$VPNGW" serve --config "$dir/vpngw.yaml" --state-dir "$dir/state" \
    >"$dir/serve.out" 2>&1
  rc=$?
  if [ "$rc" = 2 ] && grep -q -- "$field" "$dir/serve.out"; then
    pass "$name (exit 2: $(head -n 1 "$dir/serve.out"))"
  elif [ "$rc" = 124 ]; then
    fail "$name" "vpngw serve accepted the config and kept running"
  else
    fail "$name" "exit $rc, want 2 with a message naming '$field': $(head -n 3 "$dir/serve.out" | tr '\n' ' ')"
  fi
}

vpngw_conf good side=a
bad_config bad-cidr local_subnets 's#local_subnets: \[10.1.0.0/24\]#local_subnets: [10.1.0.0/33]#'
bad_config bad-cidr-text remote_subnets 's#remote_subnets: \[10.2.0.0/24\]#remote_subnets: [10.2.0/24x]#'
bad_config bad-encryption encryption '0,/encryption: aes128/s//encryption: aes999/'
bad_config bad-dh dh_group 's/dh_group: 2/dh_group: 3/'
bad_config bad-psk psk 's/psk: ".*"/psk: "has a space?"/'
bad_config unknown-gateway gateway 's/gateway: gw-a$/gateway: no-such-gw/'
finish
