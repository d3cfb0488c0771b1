#include "dataplane/userspace/sa_state.h"

#include <algorithm>
#include <chrono>

namespace vpngw::dataplane::userspace {

namespace {

esp::SaParams params(const ChildSa& sa, const DirectionKeys& keys) {
  esp::SaParams p;
  p.spi = keys.spi;
  p.encr_id = sa.encr_id;
  p.encr_key_bits = sa.encr_key_bits;
  p.integ_id = sa.integ_id;
  p.esn = sa.esn;
  p.encr_key = view(keys.encr_key);
  p.integ_key = view(keys.integ_key);
  return p;
}

bool anyContains(const std::vector<Ipv4Range>& ranges, Ipv4 a) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [a](const Ipv4Range& r) { return r.contains(a); });
}

}  // namespace

int64_t monotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<SaState>> SaState::create(const ChildSa& sa, size_t workers) {
  if (sa.protocol == IpsecProtocol::Ah && sa.udp_encap) {
    return makeError("AH cannot be UDP-encapsulated (RFC 3948 covers ESP only)");
  }
  uint32_t window = sa.replay_window;
  if (window != 0 && (window < 64 || window > esp::ReplayWindow::kMaxSize || window % 64 != 0)) {
    return makeError("replay window " + std::to_string(window) +
                     " is not 0 or a multiple of 64 in 64..4096");
  }
  auto s = std::make_unique<SaState>(Key{});
  s->tunnel_ = sa.tunnel;
  s->spi_in_ = sa.in.spi;
  s->spi_out_ = sa.out.spi;
  s->protocol_ = sa.protocol;
  s->esn_ = sa.esn;
  s->udp_encap_ = sa.udp_encap;
  s->local_ = sa.local;
  s->setRemote(sa.remote);
  s->local_ts_ = sa.local_ts;
  s->remote_ts_ = sa.remote_ts;
  s->routes_ = sa.routes;
  s->route_source_ = sa.route_source;
  s->route_mode_ = sa.route_mode;
  s->outbound_after_peer_ = sa.outbound_after_peer;
  if (window != 0) {
    s->replay_.emplace(sa.esn, window);
  }
  const esp::SaParams in = params(sa, sa.in);
  const esp::SaParams out = params(sa, sa.out);
  for (size_t w = 0; w < std::max<size_t>(workers, 1); ++w) {
    auto t = std::make_unique<Transforms>();
    if (sa.protocol == IpsecProtocol::Esp) {
      auto o = esp::EspOutbound::create(out);
      if (!o) {
        return o.error();
      }
      auto i = esp::EspInbound::create(in);
      if (!i) {
        return i.error();
      }
      t->esp_out.emplace(std::move(*o));
      t->esp_in.emplace(std::move(*i));
    } else {
      auto o = esp::AhOutbound::create(out);
      if (!o) {
        return o.error();
      }
      auto i = esp::AhInbound::create(in);
      if (!i) {
        return i.error();
      }
      t->ah_out.emplace(std::move(*o));
      t->ah_in.emplace(std::move(*i));
    }
    s->transforms_.push_back(std::move(t));
  }
  return s;
}

esp::PacketResult<uint64_t> SaState::replayCheck(uint32_t seq_low) {
  std::lock_guard lock(replay_mu_);
  if (replay_) {
    return replay_->check(seq_low);
  }
  if (!esn_) {
    return uint64_t{seq_low};
  }
  // Anti-replay off with ESN: the high half is still needed for the ICV; take the one that
  // puts the number within 2^31 of the highest authenticated so far.
  uint64_t seq = (top_seq_ & ~uint64_t{0xffffffff}) | seq_low;
  constexpr uint64_t kHalf = uint64_t{1} << 31;
  if (seq + kHalf < top_seq_) {
    seq += uint64_t{1} << 32;
  } else if (seq > top_seq_ + kHalf && seq >= (uint64_t{1} << 32)) {
    seq -= uint64_t{1} << 32;
  }
  return seq;
}

esp::PacketError SaState::replayUpdate(uint64_t seq, bool* newest) {
  std::lock_guard lock(replay_mu_);
  if (replay_) {
    const uint64_t before = replay_->highest();
    esp::PacketError e = replay_->update(seq);
    if (newest != nullptr) {
      *newest = e == esp::PacketError::kNone && seq > before;
    }
    return e;
  }
  if (newest != nullptr) {
    *newest = seq > top_seq_;
  }
  top_seq_ = std::max(top_seq_, seq);
  return esp::PacketError::kNone;
}

bool SaState::selectorsAllow(Ipv4 inner_src, Ipv4 inner_dst) const {
  return anyContains(remote_ts_, inner_src) && anyContains(local_ts_, inner_dst);
}

SaCounters SaState::counters(int64_t now_ms, int64_t now_unix) const {
  SaCounters c;
  c.bytes_in = in_.bytes.load(std::memory_order_relaxed);
  c.bytes_out = out_.bytes.load(std::memory_order_relaxed);
  c.packets_in = in_.packets.load(std::memory_order_relaxed);
  c.packets_out = out_.packets.load(std::memory_order_relaxed);
  int64_t last = std::max(lastInMs(), lastOutMs());
  if (last != 0) {
    c.last_used_unix = now_unix - std::max<int64_t>(0, (now_ms - last) / 1000);
  }
  return c;
}

}  // namespace vpngw::dataplane::userspace
