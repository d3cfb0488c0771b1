#!/usr/bin/env bash
# 01: vpngw (gwA) initiates to a strongSwan responder (gwB) with the product's default set:
# IKE aes128/sha1/DH 2, ESP aes128/sha1, PFS 2 (strongSwan ignores the PFS group in IKE_AUTH,
# RFC 7296 §1.2: the first CHILD SA has no KE). Both sides must show the same IKE SPIs and the
# CHILD SA with crossed SPIs; stopping vpngw must delete the SAs on strongSwan.
source "$(dirname "$0")/../lib.sh"
require_vpngw
topo_up
charon_start gB "$NS_GB"

WANT_IKE=AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024 WANT_ESP=AES_CBC-128/HMAC_SHA1_96 \
  CHECK_DELETE=1 interop_case default vpngw \
  ike_enc=aes128 ike_auth=sha1 dh=2 esp_enc=aes128 esp_auth=sha1 pfs=2 \
  -- proposals=aes128-sha1-modp1024 esp=aes128-sha1-modp1024
finish
