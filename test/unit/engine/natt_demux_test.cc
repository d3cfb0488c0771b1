// RFC 3948 §2 demultiplexing of port-4500 datagrams, and the routing of datagrams from both
// ports to the IKE and ESP sinks.
#include "engine/natt_demux.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/datagram_router.h"

namespace vpngw::engine {
namespace {

TEST(NattDemux, OneByteFfIsKeepalive) {
  Bytes d{0xff};
  EXPECT_EQ(classifyNattDatagram(view(d)).kind, NattKind::Keepalive);
}

TEST(NattDemux, ShortDatagramsAreDropped) {
  for (Bytes d : {Bytes{}, Bytes{0x00}, Bytes{0xfe}, Bytes{0x00, 0x00, 0x00}, Bytes{0xff, 0xff},
                  Bytes{1, 2, 3}}) {
    EXPECT_EQ(classifyNattDatagram(view(d)).kind, NattKind::Short) << toHex(view(d));
  }
}

TEST(NattDemux, NonEspMarkerIsStrippedFromIke) {
  Bytes d{0, 0, 0, 0, 0x82, 0x85, 0x78, 0x7a};
  NattDatagram r = classifyNattDatagram(view(d));
  EXPECT_EQ(r.kind, NattKind::Ike);
  EXPECT_EQ(toBytes(r.payload), (Bytes{0x82, 0x85, 0x78, 0x7a}));
  EXPECT_EQ(r.payload.data(), d.data() + 4);  // a view, not a copy
}

TEST(NattDemux, MarkerAloneIsAnEmptyIkeMessage) {
  // The engine drops it as malformed (and counts it there).
  Bytes d{0, 0, 0, 0};
  NattDatagram r = classifyNattDatagram(view(d));
  EXPECT_EQ(r.kind, NattKind::Ike);
  EXPECT_TRUE(r.payload.empty());
}

TEST(NattDemux, NonZeroSpiIsEsp) {
  for (Bytes d : {Bytes{0xc2, 0x25, 0x20, 0xe2, 0, 0, 0, 1}, Bytes{0, 0, 0, 1},
                  Bytes{0xff, 0, 0, 0}, Bytes{0, 0, 1, 0, 9}}) {
    NattDatagram r = classifyNattDatagram(view(d));
    EXPECT_EQ(r.kind, NattKind::Esp) << toHex(view(d));
    EXPECT_EQ(toBytes(r.payload), d);  // ESP keeps its SPI
  }
}

class RecordingSinks final : public IkeSink, public EspSink {
 public:
  void onIke(ike::Datagram d) override { ike.push_back(std::move(d)); }
  void onEsp(const Endpoint& local, const Endpoint& remote, ByteView packet) override {
    esp.push_back({local, remote, toBytes(packet)});
  }
  std::vector<ike::Datagram> ike;
  std::vector<ike::Datagram> esp;
};

const Endpoint kLocal500{Ipv4{0xc6120101}, 500};
const Endpoint kLocal4500{Ipv4{0xc6120101}, 4500};
const Endpoint kRemote{Ipv4{0xc6120102}, 4500};

TEST(DatagramRouter, Port500CarriesWholeDatagramAsIke) {
  RecordingSinks sinks;
  RuntimeCounters counters;
  DatagramRouter router(sinks, sinks, counters);
  // Four leading zeros mean nothing on port 500: the datagram goes to the engine untouched.
  Bytes d{0, 0, 0, 0, 1, 2};
  router.route(kLocal500, kRemote, view(d), /*natt=*/false);
  ASSERT_EQ(sinks.ike.size(), 1u);
  EXPECT_EQ(sinks.ike[0].data, d);
  EXPECT_EQ(sinks.ike[0].local, kLocal500);
  EXPECT_EQ(sinks.ike[0].remote, kRemote);
  Bytes one{0xff};
  router.route(kLocal500, kRemote, view(one), false);
  EXPECT_EQ(sinks.ike.size(), 2u);
  EXPECT_EQ(counters.nat_keepalives, 0u);
  EXPECT_EQ(counters.datagrams_received, 2u);
}

TEST(DatagramRouter, Port4500DemultiplexesAndCounts) {
  RecordingSinks sinks;
  RuntimeCounters counters;
  DatagramRouter router(sinks, sinks, counters);
  Bytes ike{0, 0, 0, 0, 0xaa, 0xbb};
  Bytes esp{0xc2, 0x25, 0x20, 0xe2, 0, 0, 0, 7, 0x55};
  Bytes keepalive{0xff};
  Bytes runt{0x01, 0x02};
  for (const Bytes* d : {&ike, &esp, &keepalive, &runt, &keepalive}) {
    router.route(kLocal4500, kRemote, view(*d), /*natt=*/true);
  }
  ASSERT_EQ(sinks.ike.size(), 1u);
  EXPECT_EQ(sinks.ike[0].data, (Bytes{0xaa, 0xbb}));
  EXPECT_EQ(sinks.ike[0].local, kLocal4500);
  ASSERT_EQ(sinks.esp.size(), 1u);
  EXPECT_EQ(sinks.esp[0].data, esp);
  EXPECT_EQ(sinks.esp[0].local, kLocal4500);
  EXPECT_EQ(counters.datagrams_received, 5u);
  EXPECT_EQ(counters.esp_received, 1u);
  EXPECT_EQ(counters.nat_keepalives, 2u);
  EXPECT_EQ(counters.dropped_short, 1u);
}

TEST(DatagramRouter, DroppingEspSinkCounts) {
  RecordingSinks ike;
  RuntimeCounters counters;
  DroppingEspSink esp(counters);
  DatagramRouter router(ike, esp, counters);
  Bytes d{0x01, 0x02, 0x03, 0x04, 0, 0, 0, 1};
  router.route(kLocal4500, kRemote, view(d), true);
  router.route(kLocal4500, kRemote, view(d), true);
  EXPECT_EQ(counters.esp_received, 2u);
  EXPECT_EQ(counters.esp_dropped, 2u);
  EXPECT_TRUE(ike.ike.empty());
}

}  // namespace
}  // namespace vpngw::engine
