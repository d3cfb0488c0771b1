#!/usr/bin/env bash
# 03: other algorithm sets, vpngw as initiator and as responder:
#   aes256 / sha2-256 / DH 14 (MODP 2048), 3des / md5 / DH 2, and AES-GCM-16 with curve25519
#   (DH 31; with an AEAD cipher ike.authentication names the PRF only, ESP has no integrity).
source "$(dirname "$0")/../lib.sh"
require_vpngw
topo_up
charon_start gB "$NS_GB"

for role in vpngw swan; do
  WANT_IKE=AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048 \
    WANT_ESP=AES_CBC-256/HMAC_SHA2_256_128 interop_case "aes256-$role" "$role" \
    ike_enc=aes256 ike_auth=sha2-256 dh=14 esp_enc=aes256 esp_auth=sha2-256 pfs=14 \
    -- proposals=aes256-sha256-modp2048 esp=aes256-sha256-modp2048
  WANT_IKE=3DES_CBC/HMAC_MD5_96/PRF_HMAC_MD5/MODP_1024 WANT_ESP=3DES_CBC/HMAC_MD5_96 \
    interop_case "3des-$role" "$role" \
    ike_enc=3des ike_auth=md5 dh=2 esp_enc=3des esp_auth=md5 pfs=2 \
    -- proposals=3des-md5-modp1024 esp=3des-md5-modp1024
  WANT_IKE=AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519 WANT_ESP=AES_GCM_16-128 \
    interop_case "gcm-x25519-$role" "$role" \
    ike_enc=aes128gcm16 ike_auth=sha2-256 dh=31 esp_enc=aes128gcm16 esp_auth= pfs=31 \
    -- proposals=aes128gcm16-prfsha256-curve25519 esp=aes128gcm16-curve25519
done
finish
