#pragma once
// Two gateways' data-plane state back to back, without I/O: what A's outbound path emits is
// fed to B's inbound path. The SAs mirror each other as the two ends of one CHILD SA do.
#include <openssl/rand.h>

#include <memory>
#include <string>
#include <vector>

#include "dataplane/userspace/offload.h"
#include "dataplane/userspace/packet_path.h"
#include "dataplane/userspace/tables.h"
#include "dataplane/userspace/tcp_coalescer.h"

namespace vpngw::dataplane::userspace::test {

inline SecureBytes randomKey(size_t n) {
  SecureBytes k(n);
  RAND_bytes(k.data(), static_cast<int>(n));
  return k;
}

struct Algorithms {
  IpsecProtocol protocol = IpsecProtocol::Esp;
  uint16_t encr_id = 12;  // AES-CBC
  uint16_t encr_key_bits = 128;
  uint16_t integ_id = 2;  // HMAC-SHA1-96
  size_t encr_key = 16;
  size_t integ_key = 20;
};
inline Algorithms aes128Sha1() { return {}; }
inline Algorithms aes128Gcm() { return {IpsecProtocol::Esp, 20, 128, 0, 20, 0}; }
inline Algorithms ahSha256() { return {IpsecProtocol::Ah, 0, 0, 12, 0, 32}; }

inline std::vector<Ipv4Range> ranges(std::initializer_list<std::string_view> cidrs) {
  std::vector<Ipv4Range> out;
  for (auto c : cidrs) {
    out.push_back(Ipv4Range::of(*Subnet::parse(c)));
  }
  return out;
}

// A's and B's halves of one CHILD SA between 198.18.1.1 (10.1.0.0/24) and 198.18.1.2
// (10.2.0.0/24).
inline std::pair<ChildSa, ChildSa> childSaPair(const Algorithms& alg, bool udp_encap,
                                               uint32_t replay_window = 1024) {
  ChildSa a;
  a.tunnel = "t1";
  a.protocol = alg.protocol;
  a.encr_id = alg.encr_id;
  a.encr_key_bits = alg.encr_key_bits;
  a.integ_id = alg.integ_id;
  a.in = {0xa1a1a1a1, randomKey(alg.encr_key), randomKey(alg.integ_key)};
  a.out = {0xb2b2b2b2, randomKey(alg.encr_key), randomKey(alg.integ_key)};
  a.local = {*Ipv4::parse("198.18.1.1"), static_cast<uint16_t>(udp_encap ? 4500 : 0)};
  a.remote = {*Ipv4::parse("198.18.1.2"), static_cast<uint16_t>(udp_encap ? 4500 : 0)};
  a.udp_encap = udp_encap;
  a.local_ts = ranges({"10.1.0.0/24"});
  a.remote_ts = ranges({"10.2.0.0/24"});
  a.routes = {*Subnet::parse("10.2.0.0/24")};
  a.replay_window = replay_window;
  ChildSa b = a;
  std::swap(b.in, b.out);
  std::swap(b.local, b.remote);
  std::swap(b.local_ts, b.remote_ts);
  b.routes = {*Subnet::parse("10.1.0.0/24")};
  return {std::move(a), std::move(b)};
}

struct Sent {
  Destination d;
  std::vector<uint8_t> bytes;
};

class CapturingOutput final : public PacketOutput {
 public:
  std::span<uint8_t> buffer() override {
    buf_.assign(4096, 0xcc);
    return buf_;
  }
  void commit(const Destination& d, size_t len) override {
    sent.push_back({d, std::vector<uint8_t>(buf_.begin(), buf_.begin() + static_cast<long>(len))});
  }
  std::vector<Sent> sent;

 private:
  std::vector<uint8_t> buf_;
};

struct TunWrite {
  VnetHdr hdr;
  std::vector<uint8_t> packet;
  bool coalesced;
};

class CapturingTun final : public TunSink {
 public:
  void writePacket(std::span<const iovec> iov, bool coalesced) override {
    TunWrite w;
    w.hdr = loadVnetHdr(static_cast<const uint8_t*>(iov[0].iov_base));
    for (size_t i = 1; i < iov.size(); ++i) {
      const auto* p = static_cast<const uint8_t*>(iov[i].iov_base);
      w.packet.insert(w.packet.end(), p, p + iov[i].iov_len);
    }
    w.coalesced = coalesced;
    writes.push_back(std::move(w));
  }
  std::vector<TunWrite> writes;
};

constexpr int kNattFd = 77;  // never used for I/O here
constexpr int kRawEspFd = 50;
constexpr int kRawAhFd = 51;

// One side: its tables, counters and per-worker context.
class Side {
 public:
  explicit Side(const ChildSa& sa, bool vnet_hdr = false) : coalescer_(tun, 1024, vnet_hdr) {
    auto s = SaState::create(sa, 1);
    if (!s) {
      throw std::runtime_error(s.error().message);
    }
    sa_ = std::move(*s);
    tables = std::make_shared<Tables>(1, std::vector<std::shared_ptr<SaState>>{sa_},
                                      std::vector<NattSocket>{{kNattFd, sa.local}});
    ctx.counters = &counters;
    ctx.vnet_hdr = vnet_hdr;
    ctx.mss = 1360;
    ctx.raw_esp_fd = kRawEspFd;
    ctx.raw_ah_fd = kRawAhFd;
    ctx.now_ms = 1000;
  }

  // A read from the TUN device (with a plain virtio-net header when vnet_hdr).
  void fromTun(std::vector<uint8_t> packet) {
    if (ctx.vnet_hdr) {
      std::vector<uint8_t> read(kVnetHdrSize, 0);
      read.insert(read.end(), packet.begin(), packet.end());
      packet = std::move(read);
    }
    processOutbound(*tables, ctx, packet, out);
  }
  void fromTunWithHdr(const VnetHdr& h, const std::vector<uint8_t>& packet) {
    std::vector<uint8_t> read(kVnetHdrSize);
    storeVnetHdr(h, read.data());
    read.insert(read.end(), packet.begin(), packet.end());
    processOutbound(*tables, ctx, read, out);
  }
  // What the peer sent, as our sockets would hand it over.
  void fromNetwork(const Sent& s) {
    std::vector<uint8_t> copy = s.bytes;
    if (s.d.udp) {
      processInboundEsp(*tables, ctx, copy, coalescer_);
    } else if (s.d.fd == kRawEspFd) {
      processInboundRawEsp(*tables, ctx, copy, coalescer_);
    } else {
      processInboundAh(*tables, ctx, copy, coalescer_);
    }
    coalescer_.flush();
  }
  // An ESP-in-UDP datagram as if it came from `from`.
  void fromNetworkVia(const Sent& s, const Endpoint& from) {
    std::vector<uint8_t> copy = s.bytes;
    processInboundEsp(*tables, ctx, copy, coalescer_, &from);
    coalescer_.flush();
  }
  void fromNetworkBatch(const std::vector<Sent>& batch) {
    std::vector<std::vector<uint8_t>> copies;
    for (const Sent& s : batch) {
      copies.push_back(s.bytes);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].d.udp) {
        processInboundEsp(*tables, ctx, copies[i], coalescer_);
      } else {
        processInboundRawEsp(*tables, ctx, copies[i], coalescer_);
      }
    }
    coalescer_.flush();
  }

  SaState& sa() { return *sa_; }

  CounterSet counters;
  PathContext ctx;
  std::shared_ptr<Tables> tables;
  CapturingOutput out;
  CapturingTun tun;

 private:
  TcpCoalescer coalescer_;
  std::shared_ptr<SaState> sa_;
};

}  // namespace vpngw::dataplane::userspace::test
