#!/usr/bin/env bash
# 02: strongSwan (gwB) initiates to vpngw (gwA, initiator: false), default set. strongSwan's
# kernel-libipsec fakes a NAT, so IKE_AUTH arrives on UDP 4500 with non-ESP markers.
source "$(dirname "$0")/../lib.sh"
require_vpngw
topo_up
charon_start gB "$NS_GB"

WANT_IKE=AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024 WANT_ESP=AES_CBC-128/HMAC_SHA1_96 \
  CHECK_DELETE=1 interop_case default swan \
  ike_enc=aes128 ike_auth=sha1 dh=2 esp_enc=aes128 esp_auth=sha1 pfs=2 \
  -- proposals=aes128-sha1-modp1024 esp=aes128-sha1-modp1024
finish
