# traffic.sh - traffic checks for scenarios (source after lib.sh). Every command is bounded in
# packets, bytes and time, and runs only inside the scenario's namespaces.

# ping_check CHECK NS DST [COUNT]: COUNT echo requests 0.2 s apart; PASS when none is lost.
ping_check() {
  local check=$1 ns=$2 dst=$3 count=${4:-5} out loss
  out=$(ip netns exec "$ns" timeout $((count + 5)) ping -n -q -c "$count" -i 0.2 -W 2 "$dst" 2>&1)
  loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$out")
  if [ "$loss" = 0 ]; then
    pass "$check ($count/$count echo replies from $dst)"
  else
    fail "$check" "ping $dst: ${loss:-?}% loss: $(tail -n 2 <<<"$out" | tr '\n' ' ')"
  fi
}

# ping_fails CHECK NS DST: two echo requests must both go unanswered.
ping_fails() {
  local check=$1 ns=$2 dst=$3
  if ip netns exec "$ns" timeout 6 ping -n -q -c 2 -i 0.2 -W 1 "$dst" >/dev/null 2>&1; then
    fail "$check" "$dst answered"
  else
    pass "$check (no answer from $dst)"
  fi
}

# tcp_transfer CHECK CLIENT_NS SERVER_NS SERVER_IP MBYTES [reverse]: one TCP connection carries
# MBYTES MiB of random bytes from the client to the server (or back with "reverse"); PASS when
# the receiver's SHA-256 equals the sender's. The rate goes into the PASS line.
tcp_transfer() {
  local check=$1 cns=$2 sns=$3 ip=$4 mb=$5 dir=${6:-} i t0 t1 sent got
  local data=$WORK/$check.data
  head -c "${mb}M" /dev/urandom >"$data"
  sent=$(sha256sum <"$data" | cut -d' ' -f1)
  # The listener runs where the server is; in reverse it sends the file to whoever connects.
  if [ "$dir" = reverse ]; then
    ip netns exec "$sns" timeout 120 nc -N -l 5001 <"$data" >/dev/null 2>&1 &
  else
    ip netns exec "$sns" timeout 120 sh -c 'nc -l 5001 | sha256sum | cut -d" " -f1 >"$1"' sh "$WORK/$check.got" &
  fi
  PIDS[nc-$check]=$!
  for ((i = 0; i < 50; i++)); do
    ip netns exec "$sns" ss -ltn 2>/dev/null | grep -q ':5001 ' && break
    sleep 0.1
  done
  t0=$(date +%s%N)
  if [ "$dir" = reverse ]; then
    got=$(ip netns exec "$cns" timeout 120 nc -d "$ip" 5001 | sha256sum | cut -d' ' -f1)
  else
    ip netns exec "$cns" timeout 120 nc -N "$ip" 5001 <"$data" >/dev/null 2>&1
    wait "${PIDS[nc-$check]}" 2>/dev/null
    got=$(cat "$WORK/$check.got" 2>/dev/null)
  fi
  t1=$(date +%s%N)
  stop_pid "nc-$check"
  rm -f "$data"
  if [ "$got" = "$sent" ]; then
    pass "$check ($mb MiB ${dir:-forward}, SHA-256 equal, $((mb * 8388608 / ((t1 - t0) / 1000 + 1))) Mbit/s)"
  else
    fail "$check" "SHA-256 of what arrived ${got:-none} differs from what was sent $sent"
  fi
}

# capture_start NAME NS IFACE: tcpdump (at most 200000 packets, 64-byte snap) into $WORK/NAME.pcap.
capture_start() {
  local name=$1 ns=$2 ifc=$3 i
  ip netns exec "$ns" timeout 300 tcpdump -i "$ifc" -n -s 96 -c 200000 -U --immediate-mode -w "$WORK/$name.pcap" \
    >"$WORK/$name.tcpdump.log" 2>&1 &
  PIDS[cap-$name]=$!
  for ((i = 0; i < 50; i++)); do
    grep -q "listening on" "$WORK/$name.tcpdump.log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

capture_stop() {
  sleep 0.5   # let the last packets reach the file (-U writes per packet)
  stop_pid "cap-$1"
}

# capture_only_ipsec CHECK NAME [esp|ah]: the capture holds ESP (raw or in UDP 4500) or AH, and
# no IP packet other than those, IKE (UDP 500/4500) and NAT-T keepalives; in particular nothing of
# the inner traffic in clear. Counts go into the PASS line.
capture_only_ipsec() {
  local check=$1 name=$2 proto=${3:-esp} f total n other
  f=$WORK/$name.pcap
  local rest="ip and not $proto and not (udp.port == 500 or udp.port == 4500)"
  total=$(tshark -r "$f" -Y ip 2>/dev/null | wc -l)
  n=$(tshark -r "$f" -Y "$proto" 2>/dev/null | wc -l)
  other=$(tshark -r "$f" -Y "$rest" 2>/dev/null | wc -l)
  if [ "$n" -gt 0 ] && [ "$other" -eq 0 ]; then
    pass "$check ($n ${proto^^} of $total IP packets, 0 in clear)"
  else
    fail "$check" "$n ${proto^^}, $other other of $total IP packets: $(tshark -r "$f" -Y "$rest" 2>/dev/null | head -n 3 | tr '\n' ';')"
  fi
}

# dp_counter NAME COUNTER: a data-plane counter of vpngw NAME (status --json).
dp_counter() {
  vg_status "$1" | jq -r --arg c "$2" '.counters.dataplane[$c] // 0'
}

# child_field NAME TUNNEL FIELD: FIELD of the tunnel's first CHILD SA.
child_field() {
  vg_field "$1" "$2" ".child_sas[0].$3"
}

# inject_esp NS DST SPI COUNT [raw|udp] [BODY]: COUNT forged ESP packets with SPI (hex),
# sequence numbers far ahead of the window and BODY random bytes after them (default 92: a
# 16-byte IV, 64 bytes of ciphertext and a 12-byte ICV; give IV + n*16 + ICV for other CBC
# integrity algorithms), as raw IP protocol 50, or in UDP to port 4500 from an ephemeral port.
# Well-formed, so the receiver must drop each one at the integrity check.
inject_esp() {
  local ns=$1 dst=$2 spi=$3 count=$4 mode=${5:-raw} body=${6:-92}
  ip netns exec "$ns" timeout 10 python3 - "$dst" "$spi" "$count" "$mode" "$body" <<'EOF'
import os, socket, struct, sys
dst, spi, count, mode = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3]), sys.argv[4]
body = int(sys.argv[5])
if mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = (dst, 4500)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
    target = (dst, 0)
for i in range(count):
    packet = struct.pack("!II", spi, 0x10000000 + i) + os.urandom(body)
    s.sendto(packet, target)
EOF
}
