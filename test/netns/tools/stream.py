#!/usr/bin/env python3
"""A long TCP transfer at a fixed rate, checked end to end (for rekey and failover scenarios).

  stream.py recv PORT OUTFILE          accept one connection, write "<bytes> <sha256>" to OUTFILE
  stream.py send HOST PORT SECONDS RATE_KBPS
                                       send a seeded pseudo-random stream for SECONDS at
                                       RATE_KBPS kB/s, print "<bytes> <sha256>"
Both ends are bounded in time (the receiver gives up after 300 s).
"""
import hashlib
import random
import socket
import sys
import time

CHUNK = 16384


def recv(port, outfile):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(1)
    srv.settimeout(300)
    conn, _ = srv.accept()
    conn.settimeout(300)
    h = hashlib.sha256()
    n = 0
    while True:
        d = conn.recv(65536)
        if not d:
            break
        h.update(d)
        n += len(d)
    with open(outfile, "w") as f:
        f.write(f"{n} {h.hexdigest()}\n")


def send(host, port, seconds, rate_kbps):
    rng = random.Random(4303)
    s = socket.create_connection((host, port), timeout=30)
    h = hashlib.sha256()
    n = 0
    per_chunk = CHUNK / (rate_kbps * 1000.0)
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        d = rng.randbytes(CHUNK)
        s.sendall(d)
        h.update(d)
        n += len(d)
        ahead = start + (n / CHUNK) * per_chunk - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the receiver to close
    print(f"{n} {h.hexdigest()}")


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3])
    else:
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
