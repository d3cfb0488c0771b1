#include "dataplane/userspace/tables.h"

namespace vpngw::dataplane::userspace {

Tables::Tables(uint64_t version, std::vector<std::shared_ptr<SaState>> sas,
               std::vector<NattSocket> natt, std::vector<Trap> traps,
               std::vector<std::shared_ptr<SaState>> retired)
    : version_(version),
      sas_(std::move(sas)),
      retired_(std::move(retired)),
      natt_(std::move(natt)),
      traps_(std::move(traps)) {
  for (const auto& sa : retired_) {
    by_spi_[sa->spiIn()] = sa.get();  // an installed SA with the same SPI (below) wins
  }
  for (size_t i = 0; i < traps_.size(); ++i) {
    trap_spd_.add(static_cast<uint32_t>(i), traps_[i].remote, traps_[i].local);
  }
  // Later additions win equal SPD matches, so the SAs that wait for the peer go in first:
  // a newer SA serves outbound traffic at once, a deferred one only when it is alone.
  for (bool deferred : {true, false}) {
    for (size_t i = 0; i < sas_.size(); ++i) {
      if (sas_[i]->outboundAfterPeer() == deferred) {
        addPolicy(i);
      }
    }
  }
}

void Tables::addPolicy(size_t i) {
  SaState& sa = *sas_[i];
  by_spi_[sa.spiIn()] = &sa;
  // Route mode: the selectors are 0.0.0.0/0 and the tunnel's routes say what enters it.
  std::vector<Ipv4Range> dst;
  if (sa.routeMode()) {
    for (const Subnet& s : sa.routes()) {
      dst.push_back(Ipv4Range::of(s));
    }
  } else {
    dst = sa.remoteTs();
  }
  spd_.add(static_cast<uint32_t>(i), dst, sa.localTs());
}

void promoteSuccessors(const std::vector<std::shared_ptr<SaState>>& sas, const SaState& gone) {
  for (const auto& s : sas) {
    if (s.get() != &gone && s->outboundAfterPeer() && s->tunnel() == gone.tunnel() &&
        s->localTs() == gone.localTs() && s->remoteTs() == gone.remoteTs()) {
      s->promote();
    }
  }
}

int Tables::nattFd(Ipv4 local) const {
  for (const NattSocket& s : natt_) {
    if (s.local.address == local) {
      return s.fd;
    }
  }
  return -1;
}

TableHolder::TableHolder()
    : current_(std::make_shared<const Tables>(0, std::vector<std::shared_ptr<SaState>>{},
                                              std::vector<NattSocket>{})) {}

}  // namespace vpngw::dataplane::userspace
